import BlueprintModel

/// An explicit load balancer endpoint whose DNS name cannot lie in the alias hosted zone it names.
public struct EndpointOutsideAliasZone: Rule {
    public static let id = "endpoint-outside-alias-zone"
    public static let summary = "An endpoint's dnsName must be a name inside the canonical hosted zone its zoneId names."
    public static let rationale = """
        A Route53 alias record targets a name inside another hosted zone: an ALB's \
        `<name>.<region>.elb.amazonaws.com` in that region's ALB zone, an NLB's \
        `<name>.elb.<region>.amazonaws.com` in the NLB zone, a CloudFront or Global Accelerator name in \
        theirs. A custom name such as `use1-alb.shop.example.com` with an ELB zone id, or a load \
        balancer of another region, is refused at apply time with InvalidChangeBatch ("alias target name \
        does not lie within the target zone") — after the plan looked clean.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    wave: 2\n", "    wave: 2\n    endpoint: { ↓dnsName: euc1-alb.shop.example, zoneId: Z215JYRZR1TBD5 }\n")),
        .triggering(("    wave: 2\n", "    wave: 2\n    endpoint: { ↓dnsName: shop-1234.eu-west-1.elb.amazonaws.com, zoneId: Z215JYRZR1TBD5 }\n")),
        .clean(("    wave: 2\n", "    wave: 2\n    endpoint: { dnsName: shop-1234.eu-central-1.elb.amazonaws.com, zoneId: Z215JYRZR1TBD5 }\n")),
        .clean(("    wave: 2\n", "    wave: 2\n    endpoint: { dnsName: shop-5678.elb.eu-central-1.amazonaws.com, zoneId: Z3F0SRJ5LGBH90 }\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.blueprint.regions.compactMap { region in
            guard let endpoint = region.endpoint else { return nil }
            var name = Substring(endpoint.dnsName.lowercased())
            while name.last == "." { name = name.dropLast() }
            let path = "regions.\(region.name).endpoint.dnsName"
            if let target = AliasTargetZone.byId[endpoint.zoneId] {
                guard !target.contains(String(name)) else { return nil }
                let owner = AliasTargetZone.owner(of: String(name))
                return Finding(
                    at: path,
                    "\(region.name): '\(endpoint.dnsName)' does not lie in \(endpoint.zoneId), the \(target.description); Route53 rejects the alias",
                    notes: [.init("names in \(endpoint.zoneId) end in \(target.suffixDescription)")],
                    fix: owner.map { "for '\(endpoint.dnsName)' use zoneId \($0.id) (the \($0.description))" }
                        ?? "point dnsName at the load balancer's own DNS name (for example its `dns_name` in Terraform), or drop `endpoint` and declare `traffic.routes` so Meridian generates the Ingress and finds the ALB")
            }
            // An unknown zone id may be a private or partner zone; only a known AWS name can be checked.
            guard let owner = AliasTargetZone.owner(of: String(name)) else { return nil }
            return Finding(
                at: path,
                "\(region.name): '\(endpoint.dnsName)' is a name in \(owner.id) (the \(owner.description)), not in \(endpoint.zoneId); Route53 rejects the alias",
                fix: "use zoneId \(owner.id)")
        }
    }
}

/// Canonical hosted zones that AWS alias targets live in. ELB ids per region are those of the
/// AWS provider's `aws_lb_hosted_zone_id` data source (AWS General Reference, "Elastic Load
/// Balancing endpoints and quotas"); CloudFront's and Global Accelerator's are global.
struct AliasTargetZone {
    enum Kind { case alb(region: String), nlb(region: String), cloudFront, globalAccelerator }

    let id: String
    let kind: Kind

    var description: String {
        switch kind {
        case .alb(let region): return "Application/Classic Load Balancer zone of \(region)"
        case .nlb(let region): return "Network Load Balancer zone of \(region)"
        case .cloudFront: return "CloudFront zone"
        case .globalAccelerator: return "Global Accelerator zone"
        }
    }

    var suffixDescription: String {
        switch kind {
        case .alb(let region): return "'.\(region).elb.amazonaws.com'"
        case .nlb(let region): return "'.elb.\(region).amazonaws.com'"
        case .cloudFront: return "'.cloudfront.net'"
        case .globalAccelerator: return "'.awsglobalaccelerator.com'"
        }
    }

    func contains(_ name: String) -> Bool {
        switch kind {
        case .alb(let region): return name.hasSuffix(".\(region).elb.amazonaws.com")
        case .nlb(let region): return name.hasSuffix(".elb.\(region).amazonaws.com")
        case .cloudFront: return name.hasSuffix(".cloudfront.net")
        case .globalAccelerator: return name.hasSuffix(".awsglobalaccelerator.com")
        }
    }

    static let all: [AliasTargetZone] = {
        let alb: [(String, String)] = [
            ("af-south-1", "Z268VQBMOI5EKX"), ("ap-east-1", "Z3DQVH9N71FHZ0"), ("ap-northeast-1", "Z14GRHDCWA56QT"),
            ("ap-northeast-2", "ZWKZPGTI48KDX"), ("ap-northeast-3", "Z5LXEXXYW11ES"), ("ap-south-1", "ZP97RAFLXTNZK"),
            ("ap-south-2", "Z0173938T07WNTVAEPZN"), ("ap-southeast-1", "Z1LMS91P8CMLE5"), ("ap-southeast-2", "Z1GM3OXH4ZPM65"),
            ("ap-southeast-3", "Z08888821HLRG5A9ZRTER"), ("ap-southeast-4", "Z09517862IB2WZLPXG76F"),
            ("ap-southeast-5", "Z06010284QMVVW7WO5J"), ("ap-southeast-7", "Z0390008CMBRTHFGWBCB"),
            ("ca-central-1", "ZQSVJUPU6J1EY"), ("ca-west-1", "Z06473681N0SF6OS049SD"), ("eu-central-1", "Z215JYRZR1TBD5"),
            ("eu-central-2", "Z06391101F2ZOEP8P5EB3"), ("eu-north-1", "Z23TAZ6LKFMNIO"), ("eu-south-1", "Z3ULH7SSC9OV64"),
            ("eu-south-2", "Z0956581394HF5D5LXGAP"), ("eu-west-1", "Z32O12XQLNTSW2"), ("eu-west-2", "ZHURV8PSTC4K8"),
            ("eu-west-3", "Z3Q77PNBQS71R4"), ("il-central-1", "Z09170902867EHPV2DABU"), ("me-central-1", "Z08230872XQRWHG2XF6I"),
            ("me-south-1", "ZS929ML54UICD"), ("mx-central-1", "Z023552324OKD1BB28BH5"), ("sa-east-1", "Z2P70J7HTTTPLU"),
            ("us-east-1", "Z35SXDOTRQ7X7K"), ("us-east-2", "Z3AADJGX6KTTL2"), ("us-west-1", "Z368ELLRRE2KJ0"),
            ("us-west-2", "Z1H1FL5HABSF5"),
        ]
        let nlb: [(String, String)] = [
            ("af-south-1", "Z203XCE67M25HM"), ("ap-east-1", "Z12Y7K3UBGUAD1"), ("ap-northeast-1", "Z31USIVHYNEOWT"),
            ("ap-northeast-2", "ZIBE1TIR4HY56"), ("ap-northeast-3", "Z1GWIQ4HH19I5X"), ("ap-south-1", "ZVDDRBQ08TROA"),
            ("ap-south-2", "Z0711778386UTO08407HT"), ("ap-southeast-1", "ZKVM4W9LS7TM"), ("ap-southeast-2", "ZCT6FZBF4DROD"),
            ("ap-southeast-3", "Z01971771FYVNCOVWJU1G"), ("ap-southeast-4", "Z01156963G8MIIL7X90IV"),
            ("ap-southeast-5", "Z026317210H9ACVTRO6FB"), ("ap-southeast-7", "Z054363131YWATEMWRG5L"),
            ("ca-central-1", "Z2EPGBW3API2WT"), ("ca-west-1", "Z02754302KBB00W2LKWZ9"), ("eu-central-1", "Z3F0SRJ5LGBH90"),
            ("eu-central-2", "Z02239872DOALSIDCX66S"), ("eu-north-1", "Z1UDT6IFJ4EJM"), ("eu-south-1", "Z23146JA1KNAFP"),
            ("eu-south-2", "Z1011216NVTVYADP1SSV"), ("eu-west-1", "Z2IFOLAFXWLO4F"), ("eu-west-2", "ZD4D7Y8KGAS4G"),
            ("eu-west-3", "Z1CMS0P5QUZ6D5"), ("il-central-1", "Z0313266YDI6ZRHTGQY4"), ("me-central-1", "Z00282643NTTLPANJJG2P"),
            ("me-south-1", "Z3QSRYVP46NYYV"), ("mx-central-1", "Z02031231H3ID6HYJ9A7U"), ("sa-east-1", "ZTK26PT1VY4CU"),
            ("us-east-1", "Z26RNL4JYFTOTI"), ("us-east-2", "ZLMOA37VPKANP"), ("us-west-1", "Z24FKFUX50B4VW"),
            ("us-west-2", "Z18D5FSROUN65G"),
        ]
        return alb.map { AliasTargetZone(id: $0.1, kind: .alb(region: $0.0)) }
            + nlb.map { AliasTargetZone(id: $0.1, kind: .nlb(region: $0.0)) }
            + [AliasTargetZone(id: "Z2FDTNDATAQYW2", kind: .cloudFront),
               AliasTargetZone(id: "Z2BJ6XQ5FK7U4H", kind: .globalAccelerator)]
    }()

    static let byId: [String: AliasTargetZone] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// The canonical zone an AWS-owned name belongs to, if it is one.
    static func owner(of name: String) -> AliasTargetZone? {
        all.first { $0.contains(name) }
    }
}
