/// A request's answer given on the FUSE thread, without a task (see ``FUSEOperations/lookupNow(parent:name:)``).
public enum ImmediateAnswer<Value: Sendable>: Sendable {
    case found(Value)
    case failed(FUSEError)
}
