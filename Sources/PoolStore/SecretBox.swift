import Crypto
import Foundation

/// Seals the secrets the server must be able to read back (webhook signing secrets) with
/// AES-256-GCM under a key from the environment (`GONGHAI_SECRET_KEY`) or a key file, so a
/// copy of the database (a backup, a stolen disk) does not let anyone sign webhooks.
///
/// A sealed value reads `enc:v1:<key id>:<base64 of nonce, ciphertext and tag>`; the key id
/// (8 hex digits of a hash of the key) says which key opens it. Rotation: start the server with
/// the new key in `GONGHAI_SECRET_KEY` and the old one in `GONGHAI_SECRET_KEY_PREVIOUS`; at start
/// it re-seals every secret under the new key (`resealSecrets`), after which the old key may go.
/// Without a key, secrets are stored as they are and the server says so when it starts.
public final class SecretBox: @unchecked Sendable {
    struct Key {
        let id: String
        let key: SymmetricKey
    }

    /// A key that cannot be used: too short, or not base64 of 32 bytes and not a passphrase.
    public struct KeyError: Error, CustomStringConvertible {
        public let description: String
    }

    /// A sealed value whose key is not configured.
    public struct UnknownKey: Error, CustomStringConvertible {
        public let keyID: String
        public var description: String { "no configured key opens a secret sealed under key \(keyID)" }
    }

    private let lock = NSLock()
    private var current: Key?
    private var previous: [Key] = []

    public init() {}

    /// Sets the keys: `current` seals and opens; `previous` only open. Each is base64 of 32
    /// bytes, or a passphrase of at least 32 characters (stretched with HKDF-SHA256).
    public func use(current: String?, previous: [String] = []) throws {
        let made = try current.map(Self.key)
        let old = try previous.map(Self.key)
        lock.withLock {
            self.current = made
            self.previous = old
        }
    }

    /// Whether new secrets are sealed (a key is configured).
    public var isSealing: Bool { lock.withLock { current != nil } }

    public func seal(_ plain: String) throws -> String {
        guard let key = lock.withLock({ current }) else { return plain }
        let box = try AES.GCM.seal(Data(plain.utf8), using: key.key)
        guard let combined = box.combined else { throw KeyError(description: "sealing failed") }
        return "enc:v1:\(key.id):" + combined.base64EncodedString()
    }

    public func open(_ stored: String) throws -> String {
        guard stored.hasPrefix("enc:v1:") else { return stored }
        let parts = stored.split(separator: ":", maxSplits: 3).map(String.init)
        guard parts.count == 4, let data = Data(base64Encoded: parts[3]) else { throw KeyError(description: "a sealed secret is damaged") }
        let keys = lock.withLock { ([current].compactMap { $0 } + previous) }
        guard let key = keys.first(where: { $0.id == parts[2] }) else { throw UnknownKey(keyID: parts[2]) }
        let plain = try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key.key)
        return String(decoding: plain, as: UTF8.self)
    }

    /// Whether `stored` should be sealed again: it is plain while a key is set, or sealed under
    /// a key other than the current one.
    public func needsResealing(_ stored: String) -> Bool {
        guard let key = lock.withLock({ current }) else { return false }
        return !stored.hasPrefix("enc:v1:\(key.id):")
    }

    static func key(_ text: String) throws -> Key {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes: SymmetricKey
        if let raw = Data(base64Encoded: trimmed), raw.count == 32 {
            bytes = SymmetricKey(data: raw)
        } else if trimmed.count >= 32 {
            bytes = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: Data(trimmed.utf8)), info: Data("gonghai secrets v1".utf8), outputByteCount: 32)
        } else {
            throw KeyError(description: "a secret key is base64 of 32 bytes (openssl rand -base64 32) or a passphrase of at least 32 characters")
        }
        let id = bytes.withUnsafeBytes { SHA256.hash(data: Data("gonghai key id".utf8) + Data($0)) }
            .prefix(4).map { String(format: "%02x", $0) }.joined()
        return Key(id: id, key: bytes)
    }
}
