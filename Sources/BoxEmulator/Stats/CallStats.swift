import Foundation

/// Request counters by route template ("GET /2.0/folders/{id}/items"), for `GET /_emulator/stats`.
/// Admin requests are not counted.
final class CallStats: @unchecked Sendable {
    private struct RouteCounters {
        var count = 0
        var bytesIn: Int64 = 0
        var bytesOut: Int64 = 0
        var statuses: [String: Int] = [:]
        /// Requests that asked Box not to email collaborators (`Box-Notifications: off`).
        var notificationsOff = 0
    }

    private let lock = NSLock()
    private var routes: [String: RouteCounters] = [:]

    /// Counts one answered (or dropped: status "drop") request.
    func record(route: String, status: String) {
        lock.withLock {
            routes[route, default: RouteCounters()].count += 1
            routes[route, default: RouteCounters()].statuses[status, default: 0] += 1
        }
    }

    /// Counts a request carrying `Box-Notifications: off`.
    func recordNotificationsOff(route: String) {
        lock.withLock { routes[route, default: RouteCounters()].notificationsOff += 1 }
    }

    func addBytesIn(_ bytes: Int, route: String) {
        lock.withLock { routes[route, default: RouteCounters()].bytesIn += Int64(bytes) }
    }

    func addBytesOut(_ bytes: Int, route: String) {
        lock.withLock { routes[route, default: RouteCounters()].bytesOut += Int64(bytes) }
    }

    func reset() {
        lock.withLock { routes.removeAll() }
    }

    /// `{"routes":{"<METHOD> <template>":{"count","bytes_in","bytes_out","statuses":{"200":n}}},
    ///   "totals":{"count","bytes_in","bytes_out","api_calls","download_calls","oauth_calls","realtime_calls",
    ///   "upload_calls","statuses"}}` where the `*_calls` split the count by the part of Box a route belongs to.
    func json() -> JSONValue {
        let snapshot = lock.withLock { routes }
        var totals = RouteCounters()
        var families: [String: Int] = [
            "api_calls": 0, "upload_calls": 0, "download_calls": 0, "oauth_calls": 0, "realtime_calls": 0,
        ]
        var members: [(String, JSONValue)] = []
        for (route, counters) in snapshot.sorted(by: { $0.key < $1.key }) {
            totals.count += counters.count
            totals.bytesIn += counters.bytesIn
            totals.bytesOut += counters.bytesOut
            for (status, n) in counters.statuses { totals.statuses[status, default: 0] += n }
            families[Self.family(of: route), default: 0] += counters.count
            members.append((route, Self.render(counters)))
        }
        var totalMembers: [(String, JSONValue)] = [
            ("count", .int(Int64(totals.count))), ("bytes_in", .int(totals.bytesIn)), ("bytes_out", .int(totals.bytesOut)),
        ]
        totalMembers += families.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) }
        totalMembers.append(("statuses", Self.statusesJSON(totals.statuses)))
        return .object([("routes", .object(members)), ("totals", .object(totalMembers))])
    }

    private static func family(of route: String) -> String {
        let path = route.split(separator: " ", maxSplits: 1).last.map(String.init) ?? route
        if path.hasPrefix("/api/2.0") { return "upload_calls" }
        if path.hasPrefix("/2.0") { return "api_calls" }
        if path.hasPrefix("/oauth2") || path.hasPrefix("/api/oauth2") { return "oauth_calls" }
        if path.hasPrefix("/subscribe") { return "realtime_calls" }
        return "download_calls"
    }

    private static func render(_ counters: RouteCounters) -> JSONValue {
        .object([
            ("count", .int(Int64(counters.count))), ("bytes_in", .int(counters.bytesIn)),
            ("bytes_out", .int(counters.bytesOut)), ("statuses", statusesJSON(counters.statuses)),
            ("notifications_off", .int(Int64(counters.notificationsOff))),
        ])
    }

    private static func statusesJSON(_ statuses: [String: Int]) -> JSONValue {
        .object(statuses.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })
    }
}
