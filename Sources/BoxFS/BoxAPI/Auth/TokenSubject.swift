/// Whom a JWT or Client Credentials token acts for.
public enum TokenSubject: Sendable, Equatable {
    /// The enterprise's service account (`box_sub_type` / `box_subject_type` = `enterprise`).
    case enterprise(String)
    /// A managed or app user (`user`); the app needs "Generate User Access Tokens".
    case user(String)

    var type: String {
        switch self {
        case .enterprise: return "enterprise"
        case .user: return "user"
        }
    }

    var id: String {
        switch self {
        case let .enterprise(id), let .user(id): return id
        }
    }
}
