import Hummingbird

/// Remembers which methods each route path was registered with, so a known path used with another method can
/// answer Box's `405 method_not_allowed` instead of a 404. Filled while the router is built (one thread).
final class RouteCatalog: @unchecked Sendable {
    private(set) var methods: [String: Set<HTTPRequest.Method>] = [:]

    func record(_ path: RouterPath, _ method: HTTPRequest.Method) {
        methods[path.description, default: []].insert(method)
    }

    /// Registers a 405 responder on `router` for every recorded path and method not in use.
    func registerMethodNotAllowed(on router: some RouterMethods<EmulatorRequestContext>) {
        let candidates: [HTTPRequest.Method] = [.get, .post, .put, .delete, .options]
        for (path, used) in methods.sorted(by: { $0.key < $1.key }) {
            for method in candidates where !used.contains(method) {
                router.on(RouterPath(path), method: method) { _, _ -> Response in throw BoxError.methodNotAllowed() }
            }
        }
    }
}

/// Route registration that also records into a `RouteCatalog`.
struct CataloguedRoutes<Base: RouterMethods>: RouterMethods {
    typealias Context = Base.Context
    let base: Base
    let catalog: RouteCatalog

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        base.on(path, method: method, responder: responder)
        catalog.record(path, method)
        return self
    }

    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        CataloguedRoutes(base: base.add(middleware: middleware), catalog: catalog)
    }
}
