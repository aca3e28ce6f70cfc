import Foundation
import XCTest

/// The HTTP surface as specified: schemathesis (installed by `make deps`) generates requests from
/// Protocol/openapi.yaml against a running county, every check on, and must find nothing: once
/// unsigned (every endpoint; the signed ones stop at 401), once through Protocol/tools/signing_proxy.py
/// signing as an enrolled township, so that hello, push, pull and fetch are exercised for real.
final class SchemathesisEndToEndTests: XCTestCase {
    private var cluster: Cluster!
    private var proxy: Spawned?

    override func setUpWithError() throws {
        cluster = try Cluster()
    }

    override func tearDown() {
        proxy?.killNow()
        cluster?.shutdown()
        cluster = nil
    }

    func testEveryResponseMatchesTheSpecificationUnsignedAndSigned() throws {
        let schemathesis = try Self.tool("schemathesis")
        let python = try Self.tool("python")
        let county = try cluster.county()
        let township = try cluster.enroll(code: "330106109", role: "township", name: "三墩镇便民服务中心", under: county)
        let tools = Liandong.packageRoot.appendingPathComponent("Protocol/tools").path

        let unsigned = try run(schemathesis, Liandong.packageRoot.appendingPathComponent("Protocol/openapi.yaml").path, url: county.url,
                               examples: 15, extra: [], tools: tools, log: cluster.file("schemathesis-unsigned.txt"))
        XCTAssertEqual(unsigned.status, 0, "schemathesis found failures without signatures:\n\(unsigned.output)")

        let spec = cluster.file("signed-spec")
        let written = try Spawned([python, tools + "/signing_proxy.py", "--signed-spec", spec], executable: python)
        XCTAssertEqual(written.wait(seconds: 60), 0, "signing_proxy.py --signed-spec failed")
        let portFile = cluster.file("proxy.port")
        proxy = try Spawned([python, tools + "/signing_proxy.py", "--node-dir", township.directory, "--upstream", county.url,
                             "--port", "0", "--port-file", portFile], executable: python, log: cluster.file("proxy.log"))
        try cluster.waitUntil("the signing proxy never started", within: 30) { FileManager.default.fileExists(atPath: portFile) }
        let port = try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let signed = try run(schemathesis, spec + "/openapi.yaml", url: "http://127.0.0.1:\(port)", examples: 15,
                             extra: ["--include-path-regex", "^/sync/v1/(hello|push|pull|fetch)$"], tools: tools,
                             log: cluster.file("schemathesis-signed.txt"))
        XCTAssertEqual(signed.status, 0, "schemathesis found failures with signatures:\n\(signed.output)")
        print("schemathesis unsigned: \(Self.summary(unsigned.output)); signed: \(Self.summary(signed.output))")
        XCTAssertTrue(try county.verifyClean(), "whatever was generated left the county's log consistent")
    }

    /// Runs schemathesis with every check; returns its exit status and output.
    private func run(_ schemathesis: String, _ spec: String, url: String, examples: Int, extra: [String], tools: String, log: String)
        throws -> (status: Int32?, output: String)
    {
        // Every check, on every operation; Protocol/tools/schemathesis.toml says the one exception and why.
        let arguments = [schemathesis, "--config-file", tools + "/schemathesis.toml", "run", spec, "--url", url, "--max-examples", "\(examples)", "--workers", "1",
                         "--no-color"] + extra
        let process = try Spawned(arguments, executable: schemathesis, log: log,
                                  environment: ["SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": tools])
        let status = process.wait(seconds: 600)
        if status == nil { process.killNow() }
        return (status, String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self))
    }

    /// "N generated, N passed" and the seed, from schemathesis's summary.
    static func summary(_ output: String) -> String {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let counts = lines.first { $0.contains(" generated, ") } ?? "?"
        let seed = lines.first { $0.hasPrefix("Seed:") } ?? ""
        return "\(counts) (\(seed))"
    }

    /// A program from the virtualenv `make deps` makes (`.build/python`), or LIANDONG_PYTHON_VENV's.
    static func tool(_ name: String) throws -> String {
        let venv = ProcessInfo.processInfo.environment["LIANDONG_PYTHON_VENV"]
            ?? Liandong.packageRoot.appendingPathComponent(".build/python").path
        let path = venv + "/bin/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw E2EFailure("\(path) is missing: run `make deps`, which installs schemathesis and cryptography into \(venv)")
        }
        return path
    }
}
