import Testing

@testable import PoolDomain

@Suite struct CustomerDraftTests {
    @Test func blanksBecomeNilAndValuesAreTrimmed() throws {
        let draft = try CustomerDraft(name: "  ACME  ", phone: " ", email: " a@b.cn ", industry: "").validated()
        #expect(draft.name == "ACME")
        #expect(draft.phone == nil)
        #expect(draft.email == "a@b.cn")
        #expect(draft.industry == nil)
    }

    @Test func unusableValuesAreRefusedWithTheField() {
        #expect(throws: PoolError.invalidInput(field: "name", message: "a name is required")) {
            try CustomerDraft(name: "   ").validated()
        }
        #expect(throws: PoolError.invalidInput(field: "email", message: "not an e-mail address")) {
            try CustomerDraft(name: "ACME", email: "not-an-email").validated()
        }
        #expect(throws: PoolError.invalidInput(field: "phone", message: "not a phone number")) {
            try CustomerDraft(name: "ACME", phone: "abc").validated()
        }
        #expect(throws: PoolError.invalidInput(field: "dealAmount", message: "must not be negative")) {
            try CustomerDraft(name: "ACME", dealAmountCents: -1).validated()
        }
    }
}
