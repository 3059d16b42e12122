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

    /// The strictest RPO objective among the services that depend on `datastore`.
    func strictestRPO(for datastore: Datastore) -> PerDisruption<Duration>? {
        var strictest: PerDisruption<Duration>?
        for (service, zone) in servedPairs where topology.dependencies(of: service, serving: zone).contains(where: { $0.name == datastore.name }) {
            guard let rpo = objectives(of: service).rpo else { continue }
            strictest = PerDisruption(zone: min(strictest?.zone ?? rpo.zone, rpo.zone), region: min(strictest?.region ?? rpo.region, rpo.region))
        }
        return strictest
    }

    func servicePath(_ service: String) -> String { "services.\(service)" }
}
