import Foundation
import Hummingbird

/// Everything the route handlers share. All members are thread-safe on their own.
final class EmulatorServices: Sendable {
    let configuration: EmulatorConfiguration
    let store: BoxStore
    let authority: TokenAuthority
    let faults: FaultInjector
    let stats: CallStats
    let downloads: DownloadLinks
    let sessions: UploadSessions
    let realtime: RealtimeChannels
    let conformance: ConformanceRecorder

    init(configuration: EmulatorConfiguration, store: BoxStore, authority: TokenAuthority, conformance: ConformanceRecorder) throws {
        self.configuration = configuration
        self.store = store
        self.authority = authority
        self.conformance = conformance
        faults = FaultInjector(configuration.faults)
        stats = CallStats()
        downloads = DownloadLinks()
        sessions = try UploadSessions(directory: configuration.dataDirectory.appendingPathComponent("upload_sessions"))
        realtime = RealtimeChannels()
    }

    /// Box stores times in whole seconds.
    var now: Date { BoxDate.truncated(Date()) }

    /// The scheme and host that URLs handed to clients (download, upload session, long-poll) start with:
    /// the configured public URL, else the Host the client used.
    func publicBaseURL(for request: Request, fallback: String) -> String {
        if let configured = configuration.publicBaseURL { return configured }
        if let host = request.head.authority { return "http://\(host)" }
        return fallback
    }
}
