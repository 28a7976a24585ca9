import Foundation

/// Long-poll channels handed out by `OPTIONS /events`: each names the user whose stream it watches.
final class RealtimeChannels: @unchecked Sendable {
    private let lock = NSLock()
    private var channels: [String: UserID] = [:]

    func open(for user: UserID) -> String {
        let channel = (0..<3).map { _ in String(format: "%08x", UInt32.random(in: 0...UInt32.max)) }.joined()
        lock.withLock { channels[channel] = user }
        return channel
    }

    func user(of channel: String) -> UserID? {
        lock.withLock { channels[channel] }
    }
}
