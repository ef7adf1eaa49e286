import Foundation
import HTTPServer

/// The console's CSS, JS and icons from `Public/`, read once at start and served with a
/// content type and a cache lifetime. Nothing is fetched from outside.
public struct StaticAssets: Sendable {
    let files: [String: (type: String, body: [UInt8])]

    public init(directory: URL) {
        var files: [String: (String, [UInt8])] = [:]
        let types = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon"]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names {
            guard let type = types[(name as NSString).pathExtension.lowercased()],
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            files[name] = (type, [UInt8](data))
        }
        self.files = files
    }

    /// Finds `Public/` beside the working directory or the binary, like `schema.graphql`.
    public static func locate(explicit: String?) -> StaticAssets {
        if let explicit { return StaticAssets(directory: URL(fileURLWithPath: explicit)) }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Public")]
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.appendingPathComponent("Public"))
            directory = directory.deletingLastPathComponent()
        }
        let found = candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("admin.css").path) }
        return StaticAssets(directory: found ?? candidates[0])
    }

    func response(_ name: String) -> HTTPResponse {
        guard let file = files[name], !name.hasSuffix(".html") else { return .text(404, "Not found.\n") }
        return HTTPResponse(
            status: 200, headers: [("Content-Type", file.type), ("Cache-Control", "public, max-age=3600")], body: file.body)
    }

    /// The GraphQL explorer's page: no data of its own (it asks for a token and talks to
    /// `/graphql`), so it is served to anyone, under the console's content security policy.
    public func explorer() -> HTTPResponse {
        guard let file = files["explorer.html"] else { return .text(404, "Not found.\n") }
        return HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", file.type), ("Cache-Control", "no-cache"),
                ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"),
                ("Referrer-Policy", "no-referrer"),
            ],
            body: file.body)
    }
}
