import Crypto
import Foundation

/// API tokens are 256 random bits, so a fast hash is enough to store them safely (a slow KDF
/// protects low-entropy passwords, not random keys) and lookups stay one index probe.
public enum TokenDigest {
    public static let prefix = "gh_"

    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + base64URL(Data(bytes))
    }

    public static func digest(_ token: String) -> Data {
        var token = token
        return token.withUTF8 { Data(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }

    /// The digest as the token cache keys it: no `Data` made, hashed as one word.
    static func key(_ token: String) -> TokenKey {
        var token = token
        let digest = token.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        return digest.withUnsafeBytes { bytes in
            TokenKey(
                bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// A token's SHA-256 in four words. Hashing a `Data` key fed the hasher its 32 bytes one call
/// at a time; a digest is uniform already, so one word spreads the table as well as all four.
struct TokenKey: Hashable {
    let words: (UInt64, UInt64, UInt64, UInt64)

    init(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) { words = (a, b, c, d) }

    static func == (lhs: TokenKey, rhs: TokenKey) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    func hash(into hasher: inout Hasher) { hasher.combine(words.0) }

    /// The digest as the database stores it.
    var data: Data {
        withUnsafeBytes(of: words) { Data($0) }
    }
}
