import Cache
import Logging

/// The one place where errors become errno values.
///
/// Every operation of ``BoxFileSystem`` runs through ``ErrnoMapping/map(_:operation:logger:)``, so what a user
/// sees for a Box failure is decided here and nowhere else. Anything unexpected is logged with the operation and
/// answered with EIO.
enum ErrnoMapping {
    static func map(_ error: Error, operation: @autoclosure () -> String, logger: Logger) -> FUSEError {
        switch error {
        case let error as FUSEError:
            return error
        case let error as FileSystemError:
            return map(error, operation: operation(), logger: logger)
        case let error as BoxAPIError:
            return map(error, operation: operation(), logger: logger)
        case is CancellationError:
            return .interrupted
        default:
            logger.error("\(operation()): \(error)")
            return .ioError
        }
    }

    private static func map(_ error: FileSystemError, operation: String, logger: Logger) -> FUSEError {
        switch error {
        case .notFound: return .noEntry
        case .exists: return .exists
        case .notEmpty: return .notEmpty
        case .notDirectory: return .notDirectory
        case .isDirectory: return .isDirectory
        case .invalidName(let name, let reason):
            logger.warning("\(operation): refusing the name \"\(name)\": \(reason)")
            return .invalid
        case .nameTooLong(let name):
            logger.warning("\(operation): refusing a name of \(name.count) characters: Box allows \(NameRules.maximumLength)")
            return .nameTooLong
        case .readOnly: return .readOnly
        case .notSupported(let what):
            logger.info("\(operation): \(what) is not supported on Box")
            return .notPermitted
        case .badHandle: return .badHandle
        case .localIO(let message):
            logger.error("\(operation): local cache failure: \(message)")
            return .ioError
        case .staleInode: return .stale
        case .fileTooLarge(let limit):
            logger.warning("\(operation): refusing to grow a file past \(limit) bytes, the largest upload this Box account allows")
            return .fileTooLarge
        case .cacheFull(let path):
            logger.warning("\(operation): the cache directory's filesystem is full (\(path)); free space there or set a larger cache_dir")
            return .noSpace
        case .noSpace:
            logger.warning("\(operation): refusing a write: the Box account has no space left for it")
            return .noSpace
        case .timedOut(let seconds):
            logger.warning("\(operation): Box did not answer within \(Int(seconds)) s (operation_timeout)")
            return .ioError
        }
    }

    private static func map(_ error: BoxAPIError, operation: String, logger: Logger) -> FUSEError {
        switch error {
        case .notFound: return .noEntry
        case .nameConflict: return .exists
        case .preconditionFailed: return .stale
        case .folderNotEmpty: return .notEmpty
        case .quotaExceeded:
            logger.error("\(operation): the Box account's storage quota is full")
            return .noSpace
        case .fileTooLarge:
            logger.error("\(operation): the file is larger than this Box account may upload")
            return .fileTooLarge
        case .nameInvalid(let tooLong, let body):
            logger.warning("\(operation): Box refused the name: \(body?.message ?? "invalid name")")
            return tooLong ? .nameTooLong : .invalid
        case .forbidden(let body):
            logger.warning("\(operation): Box refused access: \(body?.message ?? "forbidden")")
            return .accessDenied
        case .unauthorized(let challenge):
            logger.error("\(operation): Box rejected the credentials (\(challenge ?? "no details")); check the auth configuration")
            return .accessDenied
        case .rateLimited:
            logger.warning("\(operation): still rate limited by Box after retrying")
            return .tryAgain
        case .transport(let underlying):
            logger.warning("\(operation): Box is unreachable: \(underlying)")
            return .ioError
        case .http(let status, let body):
            logger.error("\(operation): Box answered \(status) \(body?.code ?? ""): \(body?.message ?? "")")
            return .ioError
        case .invalidResponse(let message):
            logger.error("\(operation): unusable answer from Box: \(message)")
            return .ioError
        case .localFile(let path, let errno):
            logger.error("\(operation): local file \(path) failed with errno \(errno)")
            return .ioError
        }
    }
}

extension BoxAPIError {
    var isNotFound: Bool {
        if case .notFound = self { return true }
        return false
    }

    /// Box couldn't be reached or couldn't answer (after the client's retries): cached answers may stand in.
    var isUnavailable: Bool {
        switch self {
        case .transport, .rateLimited: true
        case .http(let status, _): status >= 500
        default: false
        }
    }
}
