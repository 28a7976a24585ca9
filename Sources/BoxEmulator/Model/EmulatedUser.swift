import Foundation

/// The role that decides whether a user's token may use `As-User`.
enum UserRole: String, Codable, Sendable {
    /// An enterprise admin: may act as other users.
    case admin
    /// An ordinary managed user: may not use `As-User`.
    case user
    /// An app's service account (JWT/CCG enterprise subject): may act as users, can't be impersonated.
    case serviceAccount

    var mayActAsOthers: Bool { self != .user }
}

/// An emulated Box user with their own root folder and quota.
struct EmulatedUser: Codable, Sendable {
    let id: UserID
    let name: String
    let login: String
    let role: UserRole
    let rootID: ItemID
    let createdAt: Date
    var spaceAmount: Int64
    var maxUploadSize: Int64
}
