import BlueprintYAML
import Compiler
import Generators
import Resilience

/// One generated resource, identified the way a reviewer thinks of it, with its fields
/// flattened to `path = value` so that order never matters.
public struct Resource: Sendable, Hashable {
    public enum Origin: String, Sendable { case kubernetes, argocd, terraform }

    public var origin: Origin
    public var kind: String
    /// `namespace/name` for Kubernetes objects, the address for Terraform.
    public var name: String
    /// The cluster region a Kubernetes manifest belongs to.
    public var region: String?
    public var fields: [String: String]
    /// The generated file it comes from (`clusters/eu-west-1/api.yaml`; `terraform` for Route53).
    public var file = "terraform"

    public var key: String { [origin.rawValue, region ?? "", kind, name].joined(separator: "|") }

    public var title: String {
        switch origin {
        case .terraform: return name
        default: return "\(kind) \(name)" + (region.map { " (\($0))" } ?? "")
        }
    }
}

/// What a compiled blueprint consists of, resource by resource.
public enum ResourceSet {
    public static func resources(of blueprintName: String, files: [GeneratedFile], topology: Topology) -> [Resource] {
        var resources: [Resource] = []
        for file in files where file.path.hasSuffix(".yaml") {
            let parts = file.path.split(separator: "/")
            let region = parts.first == "clusters" && parts.count > 2 ? String(parts[1]) : nil
            let origin: Resource.Origin = parts.first == "argocd" ? .argocd : .kubernetes
            guard let documents = try? YAMLParser(file: file.path).parseDocuments(Array(file.contents.utf8)) else { continue }
            for document in documents {
                let fields = flatten(document)
                let kind = fields["kind"] ?? "?"
                let name = fields["metadata.name"] ?? file.path
                let namespace = fields["metadata.namespace"].map { "\($0)/" } ?? ""
                resources.append(Resource(origin: origin, kind: kind, name: namespace + name, region: region, fields: fields, file: file.path))
            }
        }
        for resource in Route53Generator.resources(for: topology) {
            let kind = resource.address.split(separator: ".").first.map(String.init) ?? "terraform"
            resources.append(Resource(origin: .terraform, kind: kind, name: resource.address, region: nil, fields: resource.attributes))
        }
        return resources
    }

    /// Mappings become dotted paths. Lists of mappings with a `name` are keyed by it; other
    /// lists are compared as sets of their items, so reordering is never a change.
    static func flatten(_ node: YAMLNode, prefix: String = "", into result: inout [String: String]) {
        switch node.content {
        case .scalar(let text, _):
            result[prefix] = text
        case .mapping(let pairs):
            if pairs.isEmpty { result[prefix] = "{}" }
            for pair in pairs {
                flatten(pair.value, prefix: prefix.isEmpty ? (pair.key.scalar ?? "?") : "\(prefix).\(pair.key.scalar ?? "?")", into: &result)
            }
        case .sequence(let items):
            if items.isEmpty { result[prefix] = "[]" }
            let named = items.allSatisfy { item in
                if case .mapping(let pairs) = item.content { return pairs.contains { $0.key.scalar == "name" } }
                return false
            }
            if named {
                for item in items {
                    guard case .mapping(let pairs) = item.content,
                          let name = pairs.first(where: { $0.key.scalar == "name" })?.value.scalar else { continue }
                    flatten(item, prefix: "\(prefix)[\(name)]", into: &result)
                }
            } else {
                // Key each item by its own canonical text: reordering changes nothing.
                for item in items {
                    var inner: [String: String] = [:]
                    flatten(item, prefix: "", into: &inner)
                    let canonical = inner.sorted { $0.key < $1.key }.map { $0.key.isEmpty ? $0.value : "\($0.key)=\($0.value)" }.joined(separator: ",")
                    result["\(prefix)[\(canonical)]"] = "present"
                }
            }
        }
    }

    static func flatten(_ node: YAMLNode) -> [String: String] {
        var result: [String: String] = [:]
        flatten(node, into: &result)
        return result
    }
}
