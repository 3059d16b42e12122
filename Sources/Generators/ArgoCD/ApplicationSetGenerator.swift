import BlueprintModel
import BlueprintYAML
import Resilience

/// One Argo CD ApplicationSet per blueprint: a list generator with one element per serving
/// region, and a RollingSync strategy with one step per rollout wave.
public enum ApplicationSetGenerator {
    static let waveLabel = "meridian.dev/wave"

    public static func file(for topology: Topology) -> GeneratedFile? {
        let blueprint = topology.blueprint
        guard let gitops = blueprint.gitops else { return nil }
        // In outage mode a lost region's Application leaves the list: a RollingSync step waits for
        // every Application it matches to be healthy, so an unreachable cluster would stall the
        // later waves. preserveResourcesOnDeletion keeps its workloads when the Application goes.
        let regions = topology.servingRegions.filter { !topology.assumedDown.contains($0) }.compactMap { blueprint.region($0) }
        // The blueprint's waves, or the order derived from the topology when it states none.
        let plan = RolloutPlan(blueprint)
        let waveOf = Dictionary(uniqueKeysWithValues: regions.map { ($0.name, plan.wave(of: $0.name) ?? $0.wave) })
        let waves = Set(waveOf.values).sorted()

        let elements: [YAMLValue] = regions.map { region in
            .mapping([
                ("region", .string(region.name)),
                ("residencyZone", .string(blueprint.residencyZone(ofRegion: region.name)?.name ?? "")),
                ("clusterName", .string(region.cluster.name)),
                ("server", .string(region.cluster.server)),
                // Label values are strings; the step selectors match on the same text.
                ("wave", .string(String(waveOf[region.name]!))),
            ])
        }
        let steps: [YAMLValue] = waves.map { wave in
            var step: [(String, YAMLValue)] = [("matchExpressions", .sequence([.mapping([
                ("key", .string(waveLabel)), ("operator", .string("In")), ("values", .sequence([.string(String(wave))])),
            ])]))]
            // At most this many of the step's Applications Pending or Progressing at once
            // (argo-cd applicationset/progressivesync/progressive_sync.go, docs/delivery.md).
            if let maxUpdate = gitops.maxUpdate { step.append(("maxUpdate", .int(maxUpdate))) }
            return .mapping(step)
        }
        let applicationSet: YAMLValue = .mapping([
            ("apiVersion", .string("argoproj.io/v1alpha1")),
            ("kind", .string("ApplicationSet")),
            ("metadata", .mapping([
                ("name", .string(blueprint.name)),
                ("namespace", .string("argocd")),
                ("labels", .mapping([
                    ("app.kubernetes.io/part-of", .string(blueprint.name)),
                    ("app.kubernetes.io/managed-by", .string("meridian")),
                ])),
            ] + bakeAnnotation(gitops))),
            ("spec", .mapping([
                ("goTemplate", .bool(true)),
                ("goTemplateOptions", .sequence([.string("missingkey=error")])),
                ("generators", .sequence([.mapping([("list", .mapping([("elements", .sequence(elements))]))])])),
                ("strategy", .mapping([
                    ("type", .string("RollingSync")),
                    ("rollingSync", .mapping([("steps", .sequence(steps))])),
                ])),
                // Removing a region from the blueprint must never cascade into deleting its workloads.
                ("syncPolicy", .mapping([("preserveResourcesOnDeletion", .bool(true))])),
                ("template", template(blueprint, gitops)),
            ])),
        ])
        let notes = [
            "",
            "Rollout: Applications sync wave by wave (RollingSync), lowest wave first; a wave starts only",
            "when every Application of the previous one is Healthy, so an unreachable region stalls all later",
            "waves. Progressive syncs must be enabled on the ApplicationSet controller",
            "(--enable-progressive-syncs, ARGOCD_APPLICATIONSET_CONTROLLER_ENABLE_PROGRESSIVE_SYNCS=true, or",
            "applicationsetcontroller.enable.progressive.syncs: \"true\" in argocd-cmd-params-cm); without it the",
            "template's automated policy syncs every region at once.",
            "Deletions: the template asks for automated sync with prune. RollingSync turns automated sync off",
            "on the generated Applications and triggers each sync itself, carrying the template's",
            "syncPolicy.automated.prune into the sync operation. This holds for the Argo CD 3.x controller the",
            "shipped CRD describes (strategy.deletionOrder, automated.enabled, no rollingSync.defaultPrune);",
            "automated must stay enabled in the template, or the prune is dropped with it. Without prune a",
            "service removed from the blueprint keeps running and its Application stays OutOfSync, re-synced",
            "in a loop (argoproj/argo-cd#21528, #25444). PruneLast deletes only after the remaining",
            "resources are synced and healthy.",
            "Health: an Application is Healthy only when its HorizontalPodAutoscalers are; Argo CD reports an",
            "HPA that cannot read CPU metrics (ScalingActive=False, FailedGetResourceMetric) as Degraded, so",
            "metrics-server (or another metrics.k8s.io provider) must run in every cluster or the waves stall.",
            (plan.derived ? "Waves (derived from the topology, see REPORT.md): " : "Waves: ")
                + waves.map { wave in "\(wave) = " + regions.filter { waveOf[$0.name] == wave }.map(\.name).joined(separator: ", ") }
                .joined(separator: "; "),
        ]
        let header = GeneratedHeader.lines(blueprint: blueprint.name) + notes
        return GeneratedFile(path: "argocd/applicationset.yaml", contents: YAMLEmitter.emit([applicationSet], header: header))
    }

    /// `gitops.bake` for the operator's gate (Argo CD has no bake time and ignores the annotation).
    static func bakeAnnotation(_ gitops: GitOps) -> [(String, YAMLValue)] {
        guard let bake = gitops.bake, bake > .zero else { return [] }
        return [("annotations", .mapping([("meridian.dev/bake", .string(bake.description))]))]
    }

    static func template(_ blueprint: Blueprint, _ gitops: GitOps) -> YAMLValue {
        .mapping([
            ("metadata", .mapping([
                ("name", .string("\(blueprint.name)-{{.region}}")),
                ("labels", .mapping([
                    ("app.kubernetes.io/part-of", .string(blueprint.name)),
                    ("meridian.dev/region", .string("{{.region}}")),
                    ("meridian.dev/residency-zone", .string("{{.residencyZone}}")),
                    (waveLabel, .string("{{.wave}}")),
                ])),
            ])),
            ("spec", .mapping([
                ("project", .string("default")),
                ("source", .mapping([
                    ("repoURL", .string(gitops.repoURL)),
                    ("targetRevision", .string(gitops.revision)),
                    ("path", .string("\(gitops.path)/clusters/{{.region}}")),
                ])),
                ("destination", .mapping([
                    ("server", .string("{{.server}}")),
                    ("namespace", .string(blueprint.namespace)),
                ])),
                ("syncPolicy", .mapping([
                    // Read by RollingSync for the sync operations it triggers (it switches automated sync off).
                    ("automated", .mapping([("prune", .bool(true))])),
                    ("syncOptions", .sequence([
                        .string("CreateNamespace=true"), .string("RespectIgnoreDifferences=true"), .string("PruneLast=true"),
                    ])),
                ])),
                // The HPA owns the replica count once running; a sync must not undo a scale-out.
                ("ignoreDifferences", .sequence([.mapping([
                    ("group", .string("apps")),
                    ("kind", .string("Deployment")),
                    ("jsonPointers", .sequence([.string("/spec/replicas")])),
                ])])),
            ])),
        ])
    }
}
