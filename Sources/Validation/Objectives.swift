import BlueprintModel
import Resilience

extension ValidationContext {
    /// A service's objectives: its own, then the blueprint's.
    func objectives(of service: Service) -> Objectives {
        service.objectives.over(blueprint.objectives)
    }

    /// Every (service, residency zone) pair that is served, in declaration order.
    var servedPairs: [(service: Service, zone: String)] {
        blueprint.services.flatMap { service in
            service.servedZones.filter { blueprint.residencyZone($0) != nil }.map { (service, $0) }
        }
    }

    func servicePath(_ service: String) -> String { "services.\(service)" }
}
