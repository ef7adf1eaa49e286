import Crypto
import Foundation
import PoolDomain
import _CryptoExtras

/// Passwords of console accounts, hashed with scrypt (memory-hard): `scrypt$N$r$p$salt$hash`.
/// Verification re-derives with the stored parameters, so the cost can rise without a migration.
public struct PasswordHasher: Sendable {
    public let rounds: Int
    public let blockSize: Int
    public let parallelism: Int

    /// N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per attempt on this kind of machine.
    public static let standard = PasswordHasher(rounds: 1 << 15, blockSize: 8, parallelism: 1)
    /// Cheap parameters for tests only.
    public static let fastForTests = PasswordHasher(rounds: 1 << 10, blockSize: 8, parallelism: 1)

    public init(rounds: Int, blockSize: Int, parallelism: Int) {
        self.rounds = rounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// The hash of a console password of acceptable length (8 to 200 characters).
    public func hashChecked(_ password: String) throws -> String {
        guard password.count >= 8, password.count <= 200 else {
            throw PoolError.invalidInput(field: "password", message: "8 to 200 characters")
        }
        return try hash(password)
    }

    public func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = Data((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let key = try derive(password, salt: salt, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return "scrypt$\(rounds)$\(blockSize)$\(parallelism)$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
            n <= 1 << 20, r <= 32, p <= 16,
            let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
            let derived = try? PasswordHasher(rounds: n, blockSize: r, parallelism: p)
                .derive(password, salt: salt, rounds: n, blockSize: r, parallelism: p)
        else { return false }
        return constantTimeEqual(derived, expected)
    }

    private func derive(_ password: String, salt: Data, rounds: Int, blockSize: Int, parallelism: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: blockSize,
            parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }

    private static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
