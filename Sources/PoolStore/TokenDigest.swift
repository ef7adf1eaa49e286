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

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
