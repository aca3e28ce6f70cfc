import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

/// SetupServer is what `serve` runs on a data directory that has no node yet: the first-run page
/// at `http://127.0.0.1:PORT/`, so that a village agent can join with the token the township gave,
/// without a shell. Loopback only, whatever the config says: nobody else on the network may
/// initialise this machine. A random form token guards the POST against other web pages.
/// Once the node exists, `serve` goes on as usual (and the workbench takes over `/`).
final class SetupServer: @unchecked Sendable {
    private let directory: String
    private let listen: String?
    private let caFile: String?
    private let csrf: String
    private let done: DispatchSemaphore
    private let lock = NSLock()
    private var finished = false

    private init(directory: String, listen: String?, caFile: String?, done: DispatchSemaphore) throws {
        self.done = done
        self.directory = directory
        self.listen = listen
        self.caFile = caFile
        csrf = Hex.encode(try secureRandomBytes(16))
    }

    /// Serves the page until the node is initialised or `wake` is signalled by SIGINT/SIGTERM
    /// (the caller tells which); the node, once made, signals `wake` itself.
    static func run(
        directory: String, listen: String?, caFile: String?, wake: DispatchSemaphore, log: @escaping @Sendable (String) -> Void
    ) throws {
        let setup = try SetupServer(directory: directory, listen: listen, caFile: caFile, done: wake)
        let port = listen.flatMap(ListenAddress.parse)?.port ?? 8750
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: .init(host: "127.0.0.1", port: port, maxBodyBytes: 16 << 10)) { request in
                .respond(setup.handle(request))
            }
        } catch {
            throw CLIError(code: "listen_failed", message: "无法在 127.0.0.1:\(port) 上提供初始化页面：\(error.message)")
        }
        log("setup: data directory \(directory) has no node; open http://127.0.0.1:\(server.port)/ on this machine to set it up")
        wake.wait()
        // Let the answer of the successful POST leave before the port is handed over.
        Thread.sleep(forTimeInterval: 0.2)
        server.stop()
        log(setup.isFinished ? "setup: node initialised; starting the node" : "setup: stopped before the node was set up")
    }

    private var isFinished: Bool { lock.withLock { finished } }

    private func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        switch (request.method, request.path) {
        case ("GET", "/"), ("GET", "/setup"):
            return html(200, SetupPage.form(csrf: csrf))
        case ("POST", "/setup"):
            return submit(request)
        case (_, "/healthz"):
            return .json(503, #"{"status":"setup","message":"本节点尚未初始化"}"#)
        default:
            return html(404, SetupPage.refused("本机尚未初始化，请打开首页 / 完成初始化"))
        }
    }

    private func submit(_ request: HTTPServerRequest) -> HTTPServerResponse {
        let fields = FormBody.parse(request.body)
        guard fields["csrf"] == csrf else {
            return html(403, SetupPage.refused("表单已失效或不是从本机的初始化页面提交的，请重新打开首页"))
        }
        let form: SetupForm
        do {
            form = try SetupForm.parse(fields)
        } catch {
            return html(400, SetupPage.form(csrf: csrf, values: fields, problems: error.problems))
        }
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return html(409, SetupPage.refused("本节点已经初始化")) }
        do {
            let made = try InitCommand.initialize(
                directory: directory, role: form.role, code: form.code, name: form.name, listen: listen,
                parent: form.parentURL, token: form.token, caFile: caFile)
            finished = true
            done.signal()
            return html(200, SetupPage.done(
                name: made.identity.name, code: made.identity.code, parent: made.grant?.parent.name, adminPassword: made.adminPassword))
        } catch {
            let failure = CLIError.from(error)
            return html(400, SetupPage.form(csrf: csrf, values: fields, problems: [failure.message]))
        }
    }

    private func html(_ status: Int, _ text: String) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"], body: Array(text.utf8))
    }
}
