import Foundation

// The seam between the emulator's Box semantics (store, routes) and its token issuing (Auth/).
// The store implements `UserDirectory`; `TokenAuthority` (Auth/TokenAuthority.swift) implements the grants
// and answers "which user does this bearer token act for".

/// The part of the user registry that token issuing needs.
public protocol UserDirectory: AnyObject, Sendable {
    func userExists(_ id: UserID) -> Bool
    /// The service account that an enterprise-subject token (JWT `box_sub_type=enterprise`,
    /// CCG `box_subject_type=enterprise`) acts as.
    func serviceAccount(enterpriseID: String) -> UserID?
}

/// Why a bearer token was refused. The API answers all of these with Box's 401: an empty body and a
/// `WWW-Authenticate: Bearer realm="Service", error="invalid_token", error_description="..."` header
/// (`expired_token` in the error for expired tokens).
public enum TokenRejection: Error, Sendable, Equatable {
    case missing
    case unknown
    case expired
    case revoked
}

/// An OAuth endpoint's answer: Box's OAuth endpoints answer form posts with JSON
/// `{"access_token",...}` or `{"error","error_description"}`, not the API's error shape.
public struct OAuthResponse: Sendable {
    public var status: Int
    public var json: Data
    public init(status: Int, json: Data) {
        self.status = status
        self.json = json
    }
}
