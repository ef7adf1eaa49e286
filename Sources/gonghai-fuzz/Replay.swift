import Foundation

#if !FUZZING
    /// Replays inputs (files, or folders of them) through the fuzz entry point: how a crash
    /// libFuzzer found becomes a regression check, and how the corpus is run in a normal build.
    @main
    struct Replay {
        static func main() throws {
            var replayed = 0
            for path in CommandLine.arguments.dropFirst() {
                for file in try files(at: path) {
                    let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                    bytes.withUnsafeBytes { AdmissionFuzzer.run($0) }
                    replayed += 1
                }
            }
            print("gonghai-fuzz: \(replayed) inputs replayed, no finding")
        }

        static func files(at path: String) throws -> [String] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            guard isDirectory.boolValue else { return [path] }
            return try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
        }
    }
#endif
