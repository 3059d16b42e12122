import BlueprintModel
import BlueprintYAML

/// One design change `optimize` may make, named by what it does to the blueprint (never by a
/// text position, which moves as other changes are applied). docs/cost.md, "optimize", lists them.
public struct Move: Sendable, Hashable, Comparable {
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        /// `traffic.routingControl: arc` off: no ARC cluster (a person edits Route 53 instead).
        case arcOff = "ARC off"
        /// `traffic.routingControl: arc` on: failover decisions through ARC's data plane.
        case arcOn = "ARC on"
        /// A service holds its normal share and scales out on a region loss.
        case elastic
        /// A service holds its region-loss share at all times.
        case staticCapacity = "static"
        /// A copy of a datastore dropped.
        case dropReplica = "drop replica"
        /// An async copy made synchronous (RPO 0 for that copy), or the reverse.
        case sync, async
        /// A backup copy region dropped.
        case dropBackupCopy = "drop backup copy"
        /// Backups taken more often (a restore loses less).
        case backupEvery = "backup interval"
        /// Route 53 health checks at 30 s instead of the fast 10 s (cheaper, slower detection), or back.
        case slowHealthCheck = "30s health checks"
        case fastHealthCheck = "10s health checks"

        public static func < (a: Kind, b: Kind) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var kind: Kind
    /// The entity it touches: `services.api`, `datastores.orders.replicas[eu-central-1]`, `traffic`.
    public var subject: String
    /// The value it writes, where the kind has several (`15m` for a backup interval).
    public var value: String = ""

    public var description: String {
        switch kind {
        case .arcOff, .arcOn, .slowHealthCheck, .fastHealthCheck: kind.rawValue
        case .backupEvery: "\(subject): backups every \(value)"
        default: "\(subject): \(kind.rawValue)"
        }
    }

    public static func < (a: Move, b: Move) -> Bool { (a.kind, a.subject, a.value) < (b.kind, b.subject, b.value) }
}

/// The moves a blueprint offers, and each as an edit of its text. Edits keep every comment and
/// every other line as written: a value is replaced where it stands, a key is added next to its
/// siblings in the same style (block or flow), a one-line list item is removed.
struct MoveCatalogue {
    static let backupIntervals = ["5m", "15m", "1h"]

    /// Every move that applies to `blueprint` (decoded from the same text).
    static func moves(in blueprint: Blueprint) -> [Move] {
        var moves: [Move] = []
        if let traffic = blueprint.traffic {
            moves.append(Move(kind: traffic.routingControl == .arc ? .arcOff : .arcOn, subject: "traffic"))
            moves.append(Move(kind: traffic.healthCheck.interval.milliseconds < 30_000 ? .slowHealthCheck : .fastHealthCheck, subject: "traffic"))
        }
        for service in blueprint.services where service.quorum == nil {
            moves.append(Move(kind: service.capacity == .elastic ? .staticCapacity : .elastic, subject: "services.\(service.name)"))
        }
        for datastore in blueprint.datastores {
            for replica in datastore.replicas {
                let subject = "datastores.\(datastore.name).replicas[\(replica.region)]"
                moves.append(Move(kind: .dropReplica, subject: subject))
                moves.append(Move(kind: replica.mode == .sync ? .async : .sync, subject: subject))
            }
            if let backups = datastore.backups {
                for region in backups.regions { moves.append(Move(kind: .dropBackupCopy, subject: "datastores.\(datastore.name).backups[\(region)]")) }
                for every in backupIntervals {
                    guard let value = Duration.parse(every).success, value < backups.every else { continue }
                    moves.append(Move(kind: .backupEvery, subject: "datastores.\(datastore.name)", value: every))
                }
            }
        }
        return moves
    }

    /// `text` with `move` made, or nil when it cannot be made as a clean edit (a value written
    /// across lines, say): then the move is not offered.
    static func apply(_ move: Move, to text: String) -> String? {
        guard let root = try? YAMLParser(file: "optimize.yaml").parse(Array(text.utf8)).root else { return nil }
        var editor = TextEditor(text)
        let parts = move.subject.split(separator: ".").map(String.init)
        switch move.kind {
        case .arcOff:
            guard let traffic = root["traffic"], let pair = traffic.pair("routingControl") else { return nil }
            return editor.replace(pair.value, with: "none")
        case .arcOn:
            guard let traffic = root["traffic"] else { return nil }
            if let pair = traffic.pair("routingControl") { return editor.replace(pair.value, with: "arc") }
            return editor.insert("routingControl", "arc", into: traffic)
        case .slowHealthCheck, .fastHealthCheck:
            let interval = move.kind == .slowHealthCheck ? "30s" : "10s"
            guard let check = root["traffic"]?["healthCheck"] else { return nil }
            if let pair = check.pair("interval") { return editor.replace(pair.value, with: interval) }
            return editor.insert("interval", interval, into: check)
        case .elastic, .staticCapacity:
            guard parts.count == 2, let service = root["services"]?[parts[1]] else { return nil }
            let value = move.kind == .elastic ? "elastic" : "static"
            if let pair = service.pair("capacity") { return editor.replace(pair.value, with: value) }
            return editor.insert("capacity", value, into: service)
        case .dropReplica, .sync, .async:
            guard let (datastore, region) = listSubject(move.subject), let list = root["datastores"]?[datastore]?["replicas"],
                  case .sequence(let items) = list.content,
                  let item = items.first(where: { $0["region"]?.scalar == region }) else { return nil }
            if move.kind == .dropReplica { return editor.remove(item, from: list) }
            guard let mode = item.pair("mode") else { return nil }
            if move.kind == .sync, let lag = item.pair("lag") {
                // A sync copy has no lag: the key goes with the mode change (one edit each, back to front).
                guard let withoutLag = editor.removePair(lag, from: item) else { return nil }
                var second = TextEditor(withoutLag)
                guard let reparsed = try? YAMLParser(file: "optimize.yaml").parse(Array(withoutLag.utf8)).root,
                      case .sequence(let again) = reparsed["datastores"]?[datastore]?["replicas"]?.content,
                      let same = again.first(where: { $0["region"]?.scalar == region }), let newMode = same.pair("mode") else { return nil }
                return second.replace(newMode.value, with: "sync")
            }
            return editor.replace(mode.value, with: move.kind == .sync ? "sync" : "async")
        case .dropBackupCopy:
            guard let (datastore, region) = listSubject(move.subject), let list = root["datastores"]?[datastore]?["backups"]?["regions"],
                  case .sequence(let items) = list.content, let item = items.first(where: { $0.scalar == region }) else { return nil }
            return editor.remove(item, from: list)
        case .backupEvery:
            guard parts.count == 2, let every = root["datastores"]?[parts[1]]?["backups"]?.pair("every") else { return nil }
            return editor.replace(every.value, with: move.value)
        }
    }

    /// `datastores.orders.replicas[eu-central-1]` → (orders, eu-central-1).
    static func listSubject(_ subject: String) -> (String, String)? {
        let parts = subject.split(separator: ".")
        guard parts.count == 3, let open = parts[2].firstIndex(of: "["), parts[2].hasSuffix("]") else { return nil }
        return (String(parts[1]), String(parts[2][parts[2].index(after: open)..<parts[2].index(before: parts[2].endIndex)]))
    }
}

extension YAMLNode {
    subscript(key: String) -> YAMLNode? { pair(key)?.value }

    func pair(_ key: String) -> Pair? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs.first { $0.key.scalar == key }
    }
}

extension Result {
    var success: Success? { try? get() }
}
