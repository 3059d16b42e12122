import Diagnostics
import BlueprintModel
import Resilience

/// The architecture as a graph: residency zones grouping regions, availability zones and
/// services inside regions, datastore copies with replication edges, and the traffic entry.
public enum Diagram {
    public enum Format: String, CaseIterable, Sendable { case mermaid, dot }

    struct Node { var id: String; var label: String; var shape: Shape }
    enum Shape { case box, round, database, entry }
    struct Group { var id: String; var label: String; var nodes: [Node]; var groups: [Group] }
    struct Edge { var from: String; var to: String; var label: String?; var dashed: Bool }

    static func id(_ parts: String...) -> String {
        let joined = parts.joined(separator: "_")
        // ASCII text byte by byte (a REPORT.md diagram of 8,000 placements makes 16,000 ids);
        // CR LF is one Character, so one `_`, as on the Character path.
        if joined.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = Array(joined.utf8)
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let isAlphanumeric = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                out.append(isAlphanumeric ? byte : UInt8(ascii: "_"))
                if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                index += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        return joined.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? String($0) : "_" }.joined()
    }

    static func graph(_ topology: Topology) -> (groups: [Group], nodes: [Node], edges: [Edge]) {
        let blueprint = topology.blueprint
        var edges: [Edge] = []
        var topNodes: [Node] = []
        let entry = id("entry")
        if let traffic = blueprint.traffic {
            topNodes.append(Node(id: entry, label: traffic.hostname, shape: .entry))
        }
        var zoneGroups: [Group] = []
        for zone in blueprint.residency.sorted(by: { $0.name < $1.name }) {
            var regionGroups: [Group] = []
            for regionName in zone.regions.sorted() {
                guard let region = blueprint.region(regionName) else { continue }
                var nodes = region.zones.map { Node(id: id("az", $0), label: $0, shape: .round) }
                for placement in topology.placements(inRegion: regionName) {
                    nodes.append(Node(id: id("svc", regionName, placement.service),
                                      label: "\(placement.service) ×\(placement.sizing.replicas)", shape: .box))
                }
                for datastore in blueprint.datastores.sorted(by: { $0.name < $1.name }) {
                    let role = datastore.primary == regionName ? "primary" : datastore.replicas.contains { $0.region == regionName } ? "replica" : nil
                    if let role { nodes.append(Node(id: id("db", regionName, datastore.name), label: "\(datastore.name) (\(role))", shape: .database)) }
                }
                regionGroups.append(Group(id: id("region", regionName),
                                          label: "\(regionName) · \(region.role.rawValue) · wave \(region.wave)", nodes: nodes, groups: []))
            }
            zoneGroups.append(Group(id: id("zone", zone.name), label: "residency zone \(zone.name)", nodes: [], groups: regionGroups))
            if blueprint.traffic != nil {
                let locations = blueprint.traffic!.geolocation.filter { $0.zone == zone.name }.map(\.location).sorted()
                if !locations.isEmpty {
                    edges.append(Edge(from: entry, to: id("zone", zone.name), label: locations.joined(separator: ", "), dashed: false))
                }
            }
        }
        for datastore in blueprint.datastores.sorted(by: { $0.name < $1.name }) {
            let primary = id("db", datastore.primary, datastore.name)
            for replica in datastore.replicas where replica.region != datastore.primary {
                let label = replica.mode == .sync ? "sync" : "async \(replica.lag)"
                edges.append(Edge(from: primary, to: id("db", replica.region, datastore.name), label: label, dashed: replica.mode == .async))
            }
            for region in datastore.backups?.regions ?? [] where blueprint.region(region) != nil {
                edges.append(Edge(from: primary, to: id("region", region), label: "backup every \(datastore.backups!.every)", dashed: true))
            }
        }
        return (zoneGroups, topNodes, edges)
    }

    public static func render(_ topology: Topology, format: Format) -> String {
        let (groups, nodes, edges) = graph(topology)
        switch format {
        case .mermaid: return mermaid(groups: groups, nodes: nodes, edges: edges)
        case .dot: return dot(groups: groups, nodes: nodes, edges: edges)
        }
    }

    /// A Markdown code block GitHub renders: ```mermaid draws the chart, ```dot shows the source.
    /// The fence is longer than any backtick run in the source, so the block cannot end early.
    public static func fenced(_ source: String, format: Format) -> String {
        var longestRun = 0, run = 0
        for scalar in source.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longestRun = max(longestRun, run)
        }
        let fence = String(repeating: "`", count: max(3, longestRun + 1))
        return "\(fence)\(format.rawValue)\n\(source)\(source.hasSuffix("\n") ? "" : "\n")\(fence)\n"
    }

    // MARK: Mermaid

    /// A quoted Mermaid label. Controls, line breaks, separators and bidi overrides are shown as
    /// `TerminalText` shows them (`\n`, `\u{1B}`): the diagram sits in a fenced block of REPORT.md
    /// and on terminals, and a name lint rejects is still drawn; a quote becomes `#quot;`.
    static func mermaidLabel(_ text: String) -> String {
        var out = "\""
        for scalar in TerminalText.escaped(text).unicodeScalars {
            if scalar == "\"" { out += "#quot;" } else { out.unicodeScalars.append(scalar) }
        }
        return out + "\""
    }

    static func mermaid(groups: [Group], nodes: [Node], edges: [Edge]) -> String {
        var out = "flowchart LR\n"
        func node(_ n: Node, indent: String) -> String {
            let label = mermaidLabel(n.label)
            switch n.shape {
            case .box: return "\(indent)\(n.id)[\(label)]\n"
            case .round: return "\(indent)\(n.id)(\(label))\n"
            case .database: return "\(indent)\(n.id)[(\(label))]\n"
            case .entry: return "\(indent)\(n.id)([\(label)])\n"
            }
        }
        func group(_ g: Group, indent: String) -> String {
            var text = "\(indent)subgraph \(g.id)[\(mermaidLabel(g.label))]\n"
            for n in g.nodes { text += node(n, indent: indent + "  ") }
            for inner in g.groups { text += group(inner, indent: indent + "  ") }
            return text + "\(indent)end\n"
        }
        for n in nodes { out += node(n, indent: "  ") }
        for g in groups { out += group(g, indent: "  ") }
        for e in edges {
            let arrow = e.dashed ? "-.->" : "-->"
            out += "  \(e.from) \(arrow)" + (e.label.map { "|\(mermaidLabel($0))|" } ?? "") + " \(e.to)\n"
        }
        return out
    }

    // MARK: Graphviz

    /// By scalar, so a quote or backslash carrying a combining mark is still escaped; controls
    /// are first shown as `TerminalText` shows them (DOT would otherwise pass them to a terminal).
    static func dotString(_ text: String) -> String {
        var out = "\""
        for scalar in TerminalText.escaped(text).unicodeScalars {
            if scalar == "\\" || scalar == "\"" { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }

    static func dot(groups: [Group], nodes: [Node], edges: [Edge]) -> String {
        var out = "digraph meridian {\n  rankdir=LR;\n  compound=true;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
        func node(_ n: Node, indent: String) -> String {
            let shape: String
            switch n.shape {
            case .box: shape = "box"
            case .round: shape = "ellipse"
            case .database: shape = "cylinder"
            case .entry: shape = "doubleoctagon"
            }
            return "\(indent)\(n.id) [label=\(dotString(n.label)), shape=\(shape)];\n"
        }
        // Group anchors: edges to a group point at an invisible node inside it.
        func group(_ g: Group, indent: String) -> String {
            var text = "\(indent)subgraph cluster_\(g.id) {\n\(indent)  label=\(dotString(g.label));\n"
            text += "\(indent)  \(g.id) [shape=point, style=invis];\n"
            for n in g.nodes { text += node(n, indent: indent + "  ") }
            for inner in g.groups { text += group(inner, indent: indent + "  ") }
            return text + "\(indent)}\n"
        }
        for n in nodes { out += node(n, indent: "  ") }
        for g in groups { out += group(g, indent: "  ") }
        for e in edges {
            var attributes: [String] = []
            if let label = e.label { attributes.append("label=\(dotString(label))") }
            if e.dashed { attributes.append("style=dashed") }
            if e.to.hasPrefix("zone_") || e.to.hasPrefix("region_") { attributes.append("lhead=cluster_\(e.to)") }
            out += "  \(e.from) -> \(e.to)" + (attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]") + ";\n"
        }
        return out + "}\n"
    }
}
