import Foundation
import Hummingbird

/// Assembles the router: admin routes first (so they get no traffic middleware), then the counted routes with
/// the traffic (stats/faults) and conformance middleware, API routes behind token auth.
enum EmulatorRouter {
    static func build(_ services: EmulatorServices) throws -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self)
        AdminRoutes(services: services).register(on: router)

        router.add(middleware: TrafficMiddleware(stats: services.stats, faults: services.faults, authority: services.authority))
        if let schema = services.configuration.conformanceSchemaFile {
            router.add(middleware: try ConformanceMiddleware(schemaFile: schema, recorder: services.conformance))
        }
        OAuthRoutes(services: services).register(on: router)
        AuthorizeRoutes(services: services).register(on: router)
        DownloadRoutes(services: services).register(on: router)
        EventRoutes.registerLongPoll(on: router, services: services)

        let authenticated = router.group().add(middleware: BoxAuthMiddleware(authority: services.authority, store: services.store))
        let catalog = RouteCatalog()
        let api = CataloguedRoutes(base: authenticated, catalog: catalog)
        UserRoutes(services: services).register(on: api)
        EnterpriseUserRoutes(services: services).register(on: api)
        FolderRoutes(services: services).register(on: api)
        FileRoutes(services: services).register(on: api)
        UploadRoutes(services: services).register(on: api)
        UploadSessionRoutes(services: services).register(on: api)
        EventRoutes(services: services).register(on: api)
        TrashRoutes(services: services).register(on: api)
        catalog.registerMethodNotAllowed(on: authenticated)
        return router
    }
}
