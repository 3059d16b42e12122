import BlueprintModel
import Resilience

extension ValidationContext {
    /// A service's objectives: its own, then the blueprint's.
    func objectives(of service: Service) -> Objectives {
        service.objectives.over(blueprint.objectives)
    }

    /// Every (service, residency zone) pair that is served, in declaration order. Lazy: an array
    /// of them held a copy of a service per zone (12 MB at 1,000 services × 16 zones).
    var servedPairs: some Sequence<(service: Service, zone: String)> {
        blueprint.services.lazy.flatMap { service in
            service.servedZones.lazy.filter { blueprint.residencyZone($0) != nil }.map { (service: service, zone: $0) }
        }
    }

    func servicePath(_ service: String) -> String { "services.\(service)" }
}
