import HTTPTypes
import NovaKitCore

/// Finds the route for a method and path below the project prefix; tells 404 from 405.
struct RouteTable: Sendable {
    enum Resolution {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [HTTPRequest.Method])
        case notFound
    }

    private var routesByLength: [Int: [Route]] = [:]

    var allRoutes: [Route] { routesByLength.values.flatMap { $0 } }

    mutating func add(_ route: Route) {
        routesByLength[route.pattern.segments.count, default: []].append(route)
    }

    /// Routes with the same method and pattern whose version ranges overlap `route`'s.
    func conflicts(with route: Route) -> [Route] {
        (routesByLength[route.pattern.segments.count] ?? []).filter { other in
            other.method == route.method && other.pattern == route.pattern && other.versions.overlaps(route.versions)
        }
    }

    func resolve(method: HTTPRequest.Method, path: [Substring], version: APIVersion) -> Resolution {
        let candidates = (routesByLength[path.count] ?? []).compactMap { route in
            route.pattern.match(path).map { (route, $0) }
        }
        guard !candidates.isEmpty else { return .notFound }
        let sameMethod = candidates.filter { $0.0.method == method }
        guard !sameMethod.isEmpty else {
            var allowed: [HTTPRequest.Method] = []
            for (route, _) in candidates where !allowed.contains(route.method) { allowed.append(route.method) }
            return .methodNotAllowed(allowed: allowed)
        }
        let available = sameMethod.filter { $0.0.versions.contains(version) }
        guard let best = available.max(by: { $0.0.pattern.specificity < $1.0.pattern.specificity }) else { return .notFound }
        return .found(best.0, parameters: best.1)
    }
}
