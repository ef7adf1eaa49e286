import Testing

@testable import GonghaiServer

/// A client's request id is echoed only when it is safe in a log line and a header; otherwise
/// the server numbers the request itself, never twice the same.
@Suite struct RequestIDTests {
    @Test func saneClientIDsAreKeptAndOthersReplaced() {
        let ids = RequestIDGenerator()
        for kept in ["a", "req-42_B", String(repeating: "x", count: 64)] {
            #expect(ids.next(suggested: kept) == kept)
        }
        for replaced in ["", String(repeating: "x", count: 65), "a b", "a\nb", "中文", "é", "a.b", "a\"b"] {
            let id = ids.next(suggested: replaced)
            #expect(id != replaced && RequestIDGenerator.isSane(id), "\(replaced)")
        }
    }

    @Test func generatedIDsAreUniqueAcrossThreads() async {
        let ids = RequestIDGenerator()
        let made = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { (0..<500).map { _ in ids.next(suggested: nil) } } }
            return await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(made.count == 4000 && Set(made).count == 4000)
        let prefix = made[0].split(separator: "-")[0]
        #expect(made.allSatisfy { $0.hasPrefix(prefix + "-") })
    }
}
