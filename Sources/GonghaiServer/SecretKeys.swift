import Foundation
import Logging
import PoolStore

/// Loads the key that seals webhook secrets at rest and re-seals what is stored under an
/// older key (see `SecretBox`): `GONGHAI_SECRET_KEY` or `--secret-key-file`, and
/// `GONGHAI_SECRET_KEY_PREVIOUS` (comma-separated) while rotating.
public enum SecretKeys {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Configures `database`'s secrets and reseals; returns what it told the log.
    @discardableResult
    public static func apply(
        environment: [String: String] = ProcessInfo.processInfo.environment, keyFile: String?, to database: any ServingStore,
        logger: Logger
    ) throws -> String {
        var key = environment["GONGHAI_SECRET_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if key == nil, let path = keyFile ?? environment["GONGHAI_SECRET_KEY_FILE"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Problem(description: "cannot read the secret key file \(path)")
            }
            key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let previous = (environment["GONGHAI_SECRET_KEY_PREVIOUS"] ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
        do {
            try database.secrets.use(current: key, previous: previous)
        } catch {
            throw Problem(description: "GONGHAI_SECRET_KEY: \(error)")
        }
        guard key != nil else {
            let message =
                "webhook signing secrets are stored unencrypted: set GONGHAI_SECRET_KEY (openssl rand -base64 32) or --secret-key-file to seal them"
            logger.warning("\(message)")
            return message
        }
        let resealed: Int
        do {
            resealed = try database.resealSecrets()
        } catch let unknown as SecretBox.UnknownKey {
            throw Problem(description: "\(unknown): put the key it was sealed with in GONGHAI_SECRET_KEY_PREVIOUS")
        }
        let message = "webhook signing secrets are sealed at rest" + (resealed > 0 ? " (\(resealed) sealed under the current key now)" : "")
        logger.info("\(message)")
        return message
    }
}
