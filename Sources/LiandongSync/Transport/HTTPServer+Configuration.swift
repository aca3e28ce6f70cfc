extension HTTPServer {
    /// Where to listen and the limits every connection and request is held to.
    public struct Configuration: Sendable {
        /// A numeric IPv4 or IPv6 address, or "localhost".
        public var host: String
        /// 0 lets the kernel pick a free port (read it back from `HTTPServer.port`).
        public var port: Int
        public var threadPoolSize: Int
        /// Idle connections are closed after this; suspended long-polls are exempt.
        public var connectionTimeoutSeconds: Int
        /// libmicrohttpd's per-connection pool: request headers must fit in about half of it.
        public var connectionMemoryLimit: Int
        /// Connections per address and in total, long-polls apart, and how long a request may take
        /// to arrive; scaled down to the open-file limit when that is lower.
        public var limits: ConnectionTable.Limits
        /// Largest request body accepted as sent on the wire; larger gets 413.
        public var maxBodyBytes: Int
        /// Largest request body accepted after gunzip; larger gets 413.
        public var maxDecompressedBodyBytes: Int
        /// Responses larger than this are gzipped for clients that accept gzip.
        public var gzipMinimumBytes: Int
        /// How long `stop()` waits for in-flight requests before closing them.
        public var drainTimeout: Duration
        /// Serve https with this identity; nil serves plain http.
        public var tls: TLSIdentity?
        /// Let libmicrohttpd print its own diagnostics to stderr.
        public var logErrors: Bool
        /// Where the server says what it did to a client (a slow connection cut).
        public var log: @Sendable (String) -> Void = { _ in }

        public init(
            host: String = "127.0.0.1", port: Int = 0, threadPoolSize: Int = 4, connectionTimeoutSeconds: Int = 30,
            connectionMemoryLimit: Int = 64 * 1024, limits: ConnectionTable.Limits = ConnectionTable.Limits(), maxBodyBytes: Int = 8 << 20,
            maxDecompressedBodyBytes: Int = 8 << 20, gzipMinimumBytes: Int = 1024, drainTimeout: Duration = .seconds(5),
            tls: TLSIdentity? = nil, logErrors: Bool = false
        ) {
            self.host = host
            self.port = port
            self.threadPoolSize = threadPoolSize
            self.connectionTimeoutSeconds = connectionTimeoutSeconds
            self.connectionMemoryLimit = connectionMemoryLimit
            self.limits = limits
            self.maxBodyBytes = maxBodyBytes
            self.maxDecompressedBodyBytes = maxDecompressedBodyBytes
            self.gzipMinimumBytes = gzipMinimumBytes
            self.drainTimeout = drainTimeout
            self.tls = tls
            self.logErrors = logErrors
        }
    }

    /// A certificate chain and its private key, both PEM text (libmicrohttpd uses GnuTLS).
    public struct TLSIdentity: Sendable {
        public var certificatePEM: String
        public var privateKeyPEM: String

        public init(certificatePEM: String, privateKeyPEM: String) {
            self.certificatePEM = certificatePEM
            self.privateKeyPEM = privateKeyPEM
        }
    }
}

/// HTTPServerError is a server that could not start: what was refused and why.
public struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    /// Which step failed.
    public enum Kind: Sendable, Equatable {
        case badAddress
        case tlsUnavailable
        case startFailed
    }

    public let kind: Kind
    public let message: String

    public var description: String { "HTTPServerError.\(kind): \(message)" }
}
