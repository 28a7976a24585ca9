import Foundation

/// The users every emulator has, so `As-User` and multi-user cases can be tested.
public enum EmulatorUsers {
    /// The enterprise the users belong to (the JWT/CCG `enterprise` subject).
    public static let enterpriseID = "900001"
    /// The default user: an enterprise admin (may use `As-User`); `--token` tokens act as this user.
    public static let defaultUser = UserID("10001")
    /// A second, ordinary managed user (may not use `As-User`).
    public static let secondUser = UserID("10002")
    /// The app's service account (what enterprise-subject JWT/CCG tokens act as).
    public static let serviceAccount = UserID("10003")
}

enum DefaultUsers {
    static let enterpriseID = EmulatorUsers.enterpriseID

    /// Adds the default users (and their root folders) that a loaded snapshot doesn't already have.
    static func install(into state: inout StoreState, at now: Date) {
        let accounts: [(UserID, String, String, UserRole)] = [
            (EmulatorUsers.defaultUser, "Ann Admin", "ann@example.com", .admin),
            (EmulatorUsers.secondUser, "Bob User", "bob@example.com", .user),
            (EmulatorUsers.serviceAccount, "boxfs service", "AutomationUser_900001@boxdevedition.com", .serviceAccount),
        ]
        for (id, name, login, role) in accounts where state.users[id] == nil {
            let root = Item(
                id: state.allocateItemID(), name: "All Files", parentID: nil, ownerID: id, revision: 0, createdAt: now,
                modifiedAt: now, contentCreatedAt: now, contentModifiedAt: now, description: "", status: .active,
                trashedAt: nil, createdBy: id, modifiedBy: id, file: nil)
            state.put(root)
            state.users[id] = EmulatedUser(
                id: id, name: name, login: login, role: role, rootID: root.id, createdAt: now,
                spaceAmount: 10 * 1024 * 1024 * 1024 * 1024, maxUploadSize: 50 * 1024 * 1024 * 1024)
        }
    }
}
