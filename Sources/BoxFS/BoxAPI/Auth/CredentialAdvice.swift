import Foundation

/// What `boxfs auth check` tells a person setting up a Box app when Box says no: the refusal in Box's terms
/// (scopes, application access, admin authorization, collaboration) and where in Box's consoles to fix it.
enum CredentialAdvice {
    static func tokenFailure(_ error: Error, method: AuthSettings.Method) -> String {
        guard case let AuthError.grantRefused(code, description)? = error as? AuthError else { return "\(error)" }
        let refusal = "Box refused the grant (\(code): \(description))"
        switch (code, method) {
        case ("invalid_client", _):
            return refusal + "; client_id or client_secret is wrong: copy them from Developer Console > "
                + "your app > Configuration > OAuth 2.0 Credentials"
        case ("invalid_grant", .oauth):
            return refusal + "; the refresh token was already used (they are single-use: was this file copied to "
                + "another machine?) or is older than 60 days: run `boxfs auth login` again"
        case ("invalid_grant", .jwt):
            return refusal + "; check that the enterprise admin authorized the app (Admin Console > Apps > "
                + "Custom Apps Manager; re-authorize after changing scopes or access level), that the public key "
                + "(publicKeyID) is still added to the app, that enterprise_id/user_id are right, and that the "
                + "clock is in sync (NTP)"
        case ("invalid_grant", .ccg), ("unauthorized_client", _):
            return refusal + "; the app must use Client Credentials Grant and be authorized by the enterprise "
                + "admin (Admin Console > Apps > Custom Apps Manager); a user_id subject also needs App + Enterprise "
                + "Access and \"Generate user access tokens\" (Configuration > Advanced Features)"
        default:
            return refusal
        }
    }

    static func userFailure(_ answer: CredentialCheck.Answer, asUser: String?) -> String {
        switch answer.status {
        case 0:
            return "cannot reach Box: \(answer.transportError ?? "?") (check api_url)"
        case 401:
            if answer.challenge?.contains("expired_token") == true {
                return "401: the access token has expired; developer tokens last 60 minutes and cannot be "
                    + "refreshed: generate a new one, or use auth = oauth, jwt or ccg"
            }
            return "401: Box does not know this access token (revoked, mistyped, or from another Box; check "
                + "api_url and token_url)"
        case 403 where asUser != nil:
            return "403 \(answer.code ?? "forbidden"): as_user \(asUser!) needs a token of an admin or of a "
                + "service app with App + Enterprise Access and \"Make API calls using the as-user header\" "
                + "(Configuration > Advanced Features), re-authorized by the enterprise admin after the change; "
                + "a service account cannot be impersonated"
        case 404 where asUser != nil:
            return "404: as_user \(asUser!) is not a user this app can act for (Box: \(answer.message ?? "not found")); "
                + "use the id of a managed user of the app's enterprise"
        case 403:
            return "403 \(answer.code ?? "forbidden"): the app's application access (App Access Only vs App + "
                + "Enterprise Access) or its scopes do not allow reading the user; change them in the Developer "
                + "Console and have the admin re-authorize the app"
        default:
            return describe(answer)
        }
    }

    static func folderFailure(_ answer: CredentialCheck.Answer, folder: String, login: String) -> String {
        switch answer.status {
        case 404:
            return "404: Box answers 404 for folders the acting user cannot see; a service account sees only "
                + "what is collaborated with it: invite \(login) as editor on folder \(folder), or set as_user to "
                + "a user who has it (check root_folder_id)"
        case 403:
            return "403 \(answer.code ?? "forbidden"): the app lacks the \"Read all files and folders stored in "
                + "Box\" scope, or the user's collaboration role on the folder does not allow listing"
        default:
            return describe(answer)
        }
    }

    static func writeFailure(_ answer: CredentialCheck.Answer) -> String {
        switch (answer.status, answer.code) {
        case (403, "storage_limit_exceeded"?):
            return "403 storage_limit_exceeded: the folder owner's account is full"
        case (403, _):
            return "403 \(answer.code ?? "forbidden"): mount read-only (-o ro), or give the app the \"Write all "
                + "files and folders stored in Box\" scope (root_readwrite; the admin must re-authorize the app) "
                + "and the user an editor or uploader role (viewers and previewers cannot upload)"
        default:
            return describe(answer)
        }
    }

    private static func describe(_ answer: CredentialCheck.Answer) -> String {
        if answer.status == 0 { return "cannot reach Box: \(answer.transportError ?? "?")" }
        return "Box answered \(answer.status) \(answer.code ?? "") \(answer.message ?? "")"
            .trimmingCharacters(in: .whitespaces)
    }
}
