import Foundation
import Testing

@testable import GonghaiServer

@Suite struct ServeSettingsTests {
    @Test func aFlagWinsOverTheEnvironmentWhichWinsOverTheFile() throws {
        let file = try ServeSettings.parseFile("""
            # gonghai.conf
            port = 9000
            host = "0.0.0.0"
            log-format = json
            sweep-at = 03:30
            """)
        let environment = ["GONGHAI_PORT": "9100", "GONGHAI_HOST": "::1"]
        let settings = try ServeSettings.resolve(flags: ["port": "9200"], environment: environment, file: file)
        #expect(settings.port == 9200)
        #expect(settings.host == "::1")
        #expect(settings.logFormat == "json")
        #expect(settings.sweepAt == "03:30")
        #expect(settings.database == "gonghai.sqlite")
        let noFlag = try ServeSettings.resolve(flags: [:], environment: environment, file: file)
        #expect(noFlag.port == 9100)
        let fileOnly = try ServeSettings.resolve(flags: [:], environment: [:], file: file)
        #expect(fileOnly.port == 9000 && fileOnly.host == "0.0.0.0")
        let limits = try ServeSettings.resolve(
            flags: ["connection-timeout": "5"], environment: ["GONGHAI_MAX_CONNECTIONS": "64"], file: ["max-body-bytes": "65536"])
        #expect(limits.connectionTimeout == 5 && limits.maxConnections == 64 && limits.maxBodyBytes == 65536)
    }

    @Test func badSettingsAreRefusedWithWhatIsWrong() throws {
        #expect(throws: ServeSettings.Problem("line 1: unknown setting \"prot\"")) { try ServeSettings.parseFile("prot = 80") }
        #expect(throws: ServeSettings.Problem("line 2: expected key = value")) { try ServeSettings.parseFile("port = 80\nnonsense") }
        let cases: [(String, String)] = [
            ("port", "70000"), ("threads", "0"), ("sweep-at", "25:00"), ("time-zone", "Mars/Base"), ("log-format", "xml"),
            ("log-level", "loud"), ("metrics-token", "short"), ("sweep", "maybe"), ("max-depth", "1"),
            ("connection-timeout", "0"), ("max-connections", "-3"), ("max-body-bytes", "12"),
        ]
        for (key, value) in cases {
            #expect(throws: ServeSettings.Problem.self, "\(key) = \(value)") {
                try ServeSettings.resolve(flags: [key: value], environment: [:], file: [:])
            }
        }
        #expect(ServeSettings.environmentName("metrics-token") == "GONGHAI_METRICS_TOKEN")
        let summary = try ServeSettings.resolve(flags: ["metrics-token": "0123456789abcdef"], environment: [:], file: [:]).summary
        #expect(summary.contains("metrics-token = (set)") && !summary.contains("0123456789abcdef"))
    }
}
