import Testing

@testable import PoolDomain

@Suite struct DuplicateKeysTests {
    @Test func companyNamesDifferingOnlyInLegalFormSpacingAndWidthAreOneKey() {
        let key = DuplicateKeys.normalizeName("北京星辰科技有限公司")
        #expect(DuplicateKeys.normalizeName("北京 星辰科技（有限公司）") == key)
        #expect(DuplicateKeys.normalizeName("北京星辰科技") == key)
        #expect(DuplicateKeys.normalizeName("北京星辰科技股份有限公司") == key)
        #expect(DuplicateKeys.normalizeName("北京星辰网络") != key)
    }

    @Test func englishNamesIgnoreCasePunctuationAndSuffixes() {
        let key = DuplicateKeys.normalizeName("Northwind Logistics Co., Ltd.")
        #expect(DuplicateKeys.normalizeName("NORTHWIND  logistics ltd") == key)
        #expect(DuplicateKeys.normalizeName("Ｎｏｒｔｈｗｉｎｄ Logistics") == key)
        #expect(DuplicateKeys.normalizeName("Northwind Energy") != key)
    }

    @Test func phonesCompareByDigitsWithoutChinaCountryCode() {
        #expect(DuplicateKeys.normalizePhone("+86 138-0013-8000") == "13800138000")
        #expect(DuplicateKeys.normalizePhone("0086 13800138000") == "13800138000")
        #expect(DuplicateKeys.normalizePhone("021-6234 5678") == "02162345678")
        #expect(DuplicateKeys.normalizePhone("12") == nil)
    }

    @Test func emailsCompareLowerCasedAndTrimmed() {
        #expect(DuplicateKeys.normalizeEmail("  Sales@Example.COM ") == "sales@example.com")
        #expect(DuplicateKeys.normalizeEmail("   ") == nil)
    }
}
