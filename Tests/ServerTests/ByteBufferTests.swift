import Testing

@testable import GraphQLAPI

/// The response writer's byte store: it grows past its first room and a copy of a writer is
/// a value, as an array is.
@Suite struct ByteBufferTests {
    @Test func growingKeepsEveryByteInOrder() {
        var buffer = ByteBuffer(capacity: 16)
        var expected: [UInt8] = []
        for round in 0..<300 {
            let piece = (0..<(round % 37)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ round) }
            piece.withUnsafeBufferPointer { buffer.append($0) }
            buffer.append(UInt8(truncatingIfNeeded: round))
            expected += piece + [UInt8(truncatingIfNeeded: round)]
        }
        #expect(buffer.count == expected.count)
        #expect(buffer.array == expected)
    }

    @Test func aCopyIsIndependentOfTheOriginal() {
        var original = JSONBytes(capacity: 16)
        original.string("shared")
        var copy = original
        copy.raw(UInt8(ascii: ","))
        copy.digits(42)
        original.truncate(to: 3)
        original.raw(UInt8(ascii: "!"))
        #expect(String(decoding: copy.bytes, as: UTF8.self) == #""shared",42"#)
        #expect(String(decoding: original.bytes, as: UTF8.self) == #""sh!"#)
    }

    @Test func roomThatIsNotCommittedIsNotWritten() {
        var buffer = ByteBuffer(capacity: 16)
        buffer.append(Array("ab".utf8))
        let room = buffer.room(64)
        room[0] = UInt8(ascii: "c")
        room[1] = UInt8(ascii: "x")
        buffer.commit(1)
        #expect(buffer.array == Array("abc".utf8))
    }
}
