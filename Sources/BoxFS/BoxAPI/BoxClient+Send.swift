import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

extension BoxClient {
    /// Sends a request until it succeeds or fails for good, and hands the response to `handle`.
    ///
    /// `handle` runs inside the retry loop and reads the body there, so a connection dropped mid-body is
    /// retried like one dropped before the answer. Errors `handle` throws as ``BoxAPIError`` or wrapped in
    /// ``FinalError`` are final; any other error from it counts as a transport failure.
    ///
    /// - Parameters:
    ///   - makeRequest: Builds the request for each attempt (so an attempt can resume where the last one
    ///     stopped, e.g. a download's `Range`).
    ///   - recover: For ``BoxRequest/Safety/replayable`` requests: after an attempt whose outcome is unknown
    ///     (dropped, 5xx), the error a later attempt ends with is passed here; return the result if that
    ///     error shows the earlier attempt had succeeded, nil to throw it.
    ///   - handle: Reads an accepted response.
    func send<Result>(
        _ makeRequest: () -> BoxRequest,
        recover: ((BoxAPIError) async throws -> Result?)? = nil,
        handle: (HTTPClientResponse) async throws -> Result
    ) async throws -> Result {
        var retry = 0
        var refreshedToken = false
        var outcomeUnknown = false
        while true {
            let request = makeRequest()
            if let bucket = request.bucket { try await limiter.acquire(bucket) }
            // Outside the `do`: a token provider failure (bad credentials) is the caller's error, not a transport one.
            let token = request.authenticated ? try await tokens.accessToken() : nil
            let failure: RetryPolicy.Failure
            let error: BoxAPIError
            do {
                recorder.record { $0.calls[request.kind, default: 0] += 1 }
                logger.trace("box request", metadata: ["method": "\(request.method)", "url": "\(request.url)"])
                let response = try await http.execute(
                    prepare(request, token: token), deadline: .now() + .nanoseconds(Self.nanoseconds(request.timeout)),
                    logger: transportLogger)
                let status = Int(response.status.code)
                recorder.record { $0.responses[ResponseKey(kind: request.kind, status: status), default: 0] += 1 }
                if request.accepted.contains(status) {
                    return try await handle(response)
                }
                if status == 401, let token, request.authenticated {
                    _ = try? await response.body.collect(upTo: 64 * 1024)
                    let challenge = response.headers.first(name: "WWW-Authenticate")
                    guard !refreshedToken else { throw BoxAPIError.unauthorized(challenge: challenge) }
                    // One more attempt with whatever the provider hands out after hearing the token failed.
                    refreshedToken = true
                    await tokens.tokenRejected(token)
                    recorder.record { $0.retries += 1 }
                    logger.debug("box token rejected; retrying once", metadata: ["url": "\(request.url)"])
                    continue
                }
                let body = await Self.errorBody(of: response)
                let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
                failure = .status(status, code: body?.code, retryAfter: retryAfter)
                if status == 429 {
                    recorder.record { $0.rateLimited += 1 }
                    // Box counts per user: every call would be refused until Retry-After, so hold them all.
                    await limiter.pause(for: RetryPolicy.duration(min(retryAfter ?? 1, configuration.maxRetryDelay)))
                    error = .rateLimited(retryAfter: retryAfter)
                } else {
                    if status >= 500 { recorder.record { $0.serverErrors += 1 } }
                    error = .from(status: status, body: body)
                }
            } catch let final as BoxAPIError {
                throw final
            } catch let final as FinalError {
                throw final.underlying
            } catch let cancelled as CancellationError {
                throw cancelled
            } catch let transport {
                recorder.record { $0.transportErrors += 1 }
                failure = .transport
                error = .transport(transport)
            }

            retry += 1
            var policy = retryPolicy
            if let bound = request.maxRetries { policy.maxRetries = bound }
            guard let delay = policy.delay(after: failure, retry: retry) else {
                if outcomeUnknown, let recover, let recovered = try await recover(error) { return recovered }
                throw error
            }
            if request.safety == .replayable, failure.outcomeUnknown { outcomeUnknown = true }
            recorder.record { $0.retries += 1 }
            logger.debug(
                "box call failed; retrying",
                metadata: ["url": "\(request.url)", "error": "\(error)", "retry": "\(retry)", "delay": "\(delay)"])
            try await Task.sleep(for: delay)
        }
    }

    /// ``send(_:recover:handle:)`` for a request that doesn't change between attempts.
    func send<Result>(
        _ request: BoxRequest,
        recover: ((BoxAPIError) async throws -> Result?)? = nil,
        handle: (HTTPClientResponse) async throws -> Result
    ) async throws -> Result {
        try await send({ request }, recover: recover, handle: handle)
    }

    /// Sends `request` and decodes its JSON answer.
    func sendJSON<Value: Decodable>(
        _ request: BoxRequest, as type: Value.Type = Value.self,
        recover: ((BoxAPIError) async throws -> Value?)? = nil
    ) async throws -> Value {
        try await send(request, recover: recover) { response in
            try await Self.decode(Value.self, from: response)
        }
    }

    /// Sends `request` and discards the (empty) answer.
    func sendExpectingNoContent(_ request: BoxRequest) async throws {
        try await send(request) { response in
            _ = try await response.body.collect(upTo: 1024 * 1024)
        }
    }

    /// Reads a JSON body (bounded: Box's JSON answers are small; a listing page of 1,000 entries is well under this).
    static func decode<Value: Decodable>(_ type: Value.Type, from response: HTTPClientResponse) async throws -> Value {
        try decode(type, from: try await body(of: response))
    }

    /// A JSON answer's body, whole (32 MiB at most: a 1,000-entry listing is about 0.5 MB).
    static func body(of response: HTTPClientResponse) async throws -> Data {
        Data(try await response.body.collect(upTo: 32 * 1024 * 1024).readableBytesView)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from body: Data) throws -> Value {
        do {
            return try BoxJSON.decoder().decode(Value.self, from: body)
        } catch {
            throw BoxAPIError.invalidResponse("\(Value.self): \(error)")
        }
    }

    /// `seconds` as nanoseconds, capped at a week so no configuration can overflow a deadline.
    private static func nanoseconds(_ seconds: TimeInterval) -> Int64 {
        Int64(min(max(0, seconds), 7 * 24 * 3600) * 1e9)
    }

    /// Box's error JSON, if the body is one (401s are empty, gateways send HTML).
    private static func errorBody(of response: HTTPClientResponse) async -> BoxErrorBody? {
        guard let buffer = try? await response.body.collect(upTo: 1024 * 1024) else { return nil }
        return try? BoxJSON.decoder().decode(BoxErrorBody.self, from: Data(buffer.readableBytesView))
    }

    private func prepare(_ request: BoxRequest, token: String?) -> HTTPClientRequest {
        var prepared = HTTPClientRequest(url: request.url)
        prepared.method = request.method
        prepared.headers = request.headers
        if let token {
            prepared.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)")
            if let asUser = configuration.asUser { prepared.headers.replaceOrAdd(name: "As-User", value: asUser) }
            if configuration.suppressNotifications { prepared.headers.replaceOrAdd(name: "Box-Notifications", value: "off") }
        }
        switch request.body {
        case .none:
            break
        case .bytes(let buffer):
            prepared.body = .bytes(buffer)
        case .stream(_, let make):
            prepared.body = make()
        }
        return prepared
    }
}

/// Wraps an error a response handler throws that isn't about the connection (e.g. the caller's consumer
/// failed), so the retry loop passes it on instead of retrying.
struct FinalError: Error {
    var underlying: any Error
}

extension RetryPolicy.Failure {
    /// Whether the server may have acted on the request although the client saw a failure.
    var outcomeUnknown: Bool {
        switch self {
        case .transport: return true
        case .status(let status, _, _): return status >= 500
        }
    }
}

extension BoxClient {
    /// The logger handed to AsyncHTTPClient: it logs connection scheduling for every request at debug, which
    /// would drown a debug log; boxfs logs each request itself at trace.
    var transportLogger: Logger {
        var quieter = logger
        quieter.logLevel = max(logger.logLevel, .info)
        return quieter
    }
}
