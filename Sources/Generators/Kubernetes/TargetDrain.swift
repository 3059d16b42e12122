/// How a pod registered by IP in an ALB target group leaves it without dropping requests, and
/// the listener policy the region's ALB negotiates TLS with. One place for the numbers the Ingress
/// and the Deployments must agree on (docs/delivery.md, "Pods leave the load balancer cleanly").
///
/// When a pod terminates, the kubelet and the EndpointSlice controller learn it at the same time;
/// the AWS Load Balancer Controller then deregisters the pod's IP through the ELB API, which can
/// lag under load, and the ALB keeps in-flight requests for the target group's deregistration delay
/// (300 s unless set). The EKS Best Practices Guide ("Load Balancing", "Gracefully handle the client
/// requests") therefore delays SIGTERM with a preStop hook. Meridian sets the delay explicitly on
/// the target group (`alb.ingress.kubernetes.io/target-group-attributes`, "available range is
/// 0-3600 seconds" in the controller's annotation reference) and sleeps exactly that long, so the
/// pod keeps serving for as long as the ALB may still hold a connection to it.
enum TargetDrain {
    /// `deregistration_delay.timeout_seconds` of every target group Meridian's Ingress creates.
    static let deregistrationDelaySeconds = 30
    /// The preStop sleep: the deregistration delay, so SIGTERM arrives after the ALB stopped sending.
    static let preStopSleepSeconds = deregistrationDelaySeconds
    /// What the application gets after SIGTERM to finish: Kubernetes' own default grace period.
    static let shutdownSeconds = 30
    /// The grace period counts from the start of the preStop hook (Pod lifecycle, "Termination of
    /// Pods"), so it must cover the sleep and the shutdown.
    static let terminationGracePeriodSeconds = preStopSleepSeconds + shutdownSeconds

    /// The annotation value the Ingress carries.
    static var targetGroupAttributes: String { "deregistration_delay.timeout_seconds=\(deregistrationDelaySeconds)" }

    /// TLS 1.3 and 1.2 only. The controller's default is the listener API's default,
    /// ELBSecurityPolicy-2016-08, which still accepts TLS 1.0 and 1.1 ("Security policies for your
    /// Application Load Balancer", Elastic Load Balancing User Guide; annotation `ssl-policy`).
    static let sslPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

    /// The namespace label that makes the controller's webhook inject its pod readiness gate
    /// (`target-health.elbv2.k8s.aws/…`): a new pod counts as Ready only once its target is healthy
    /// in the ALB, so a rollout never removes old pods before the new ones take traffic. It works
    /// only with `target-type: ip`, and only for pods created after the label, the Service and the
    /// Ingress exist (controller docs, "Pod readiness gate").
    static let readinessGateLabel: StaticString = "elbv2.k8s.aws/pod-readiness-gate-inject"
}
