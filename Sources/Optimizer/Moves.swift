import BlueprintModel
import BlueprintYAML
import Diagnostics

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

    /// Moves of one family set the same thing: a design that made one is not offered another
    /// (no `elastic` then `static` for one service, no second backup interval).
    var family: String {
        let group: String = switch kind {
        case .arcOn, .arcOff: "arc"
        case .elastic, .staticCapacity: "capacity"
        case .sync, .async, .dropReplica: "replica"
        case .slowHealthCheck, .fastHealthCheck: "health check"
        case .dropBackupCopy: "backup copy"
        case .backupEvery: "backup interval"
        }
        return "\(group)\u{0}\(subject)"
    }

    /// The moves of `candidates` that touch nothing `made` already changed.
    static func untouched(_ candidates: [Move], after made: [Move]) -> [Move] {
        let families = Set(made.map(\.family))
        return candidates.filter { !families.contains($0.family) }
    }
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
        let (result, made) = apply([move], to: text)
        return made.isEmpty ? nil : result
    }

    /// One position-anchored change of the text: made back to front with the others of its parse.
    struct Edit {
        var anchor: SourceMark
        var move: Move
        var make: (inout TextEditor) -> Bool
    }

    /// `text` with every move of `moves` that can be made as a clean edit, from one parse; and
    /// the moves made. A list keeps at least one item whatever the moves ask.
    static func apply(_ moves: [Move], to text: String) -> (text: String, made: [Move]) {
        guard let root = try? YAMLParser(file: "optimize.yaml").parse(Array(text.utf8)).root else { return (text, []) }
        var edits: [Edit] = []
        var removalsLeft: [SourceMark: Int] = [:]   // per list: items that may still go
        for move in moves {
            edits += self.edits(for: move, in: root, removalsLeft: &removalsLeft)
        }
        var editor = TextEditor(text)
        var made: [Move] = []
        // Back to front; the two edits of one move (a sync copy's lag and mode) follow the same order.
        for edit in edits.sorted(by: { $0.anchor > $1.anchor }) where edit.make(&editor) {
            if !made.contains(edit.move) { made.append(edit.move) }
        }
        return (editor.text, moves.filter(made.contains))
    }

    static func edits(for move: Move, in root: YAMLNode, removalsLeft: inout [SourceMark: Int]) -> [Edit] {
        let parts = move.subject.split(separator: ".").map(String.init)
        func edit(_ node: YAMLNode, _ make: @escaping (inout TextEditor) -> Bool) -> [Edit] { [Edit(anchor: node.mark, move: move, make: make)] }
        func setting(_ key: String, _ value: String, in mapping: YAMLNode?) -> [Edit] {
            guard let mapping else { return [] }
            if let pair = mapping.pair(key) { return edit(pair.value) { $0.replace(pair.value, with: value) } }
            guard case .mapping(let pairs) = mapping.content, let first = pairs.first else { return [] }
            return edit(first.key) { $0.insert(key, value, into: mapping) }
        }
        func removing(_ item: YAMLNode, from list: YAMLNode) -> [Edit] {
            guard case .sequence(let items) = list.content else { return [] }
            let left = removalsLeft[list.mark] ?? items.count - 1
            guard left > 0 else { return [] }
            removalsLeft[list.mark] = left - 1
            return edit(item) { $0.remove(item, from: list) }
        }
        switch move.kind {
        case .arcOff:
            guard let pair = root["traffic"]?.pair("routingControl") else { return [] }
            return edit(pair.value) { $0.replace(pair.value, with: "none") }
        case .arcOn:
            return setting("routingControl", "arc", in: root["traffic"])
        case .slowHealthCheck, .fastHealthCheck:
            return setting("interval", move.kind == .slowHealthCheck ? "30s" : "10s", in: root["traffic"]?["healthCheck"])
        case .elastic, .staticCapacity:
            guard parts.count == 2 else { return [] }
            return setting("capacity", move.kind == .elastic ? "elastic" : "static", in: root["services"]?[parts[1]])
        case .dropReplica, .sync, .async:
            guard let (datastore, region) = listSubject(move.subject), let list = root["datastores"]?[datastore]?["replicas"],
                  case .sequence(let items) = list.content,
                  let item = items.first(where: { $0["region"]?.scalar == region }) else { return [] }
            if move.kind == .dropReplica { return removing(item, from: list) }
            guard let mode = item.pair("mode") else { return [] }
            var result = edit(mode.value) { $0.replace(mode.value, with: move.kind == .sync ? "sync" : "async") }
            // A sync copy has no lag: the key goes with the mode change.
            if move.kind == .sync, let lag = item.pair("lag") {
                result += [Edit(anchor: lag.key.mark, move: move) { $0.removePair(lag, from: item) }]
            }
            return result
        case .dropBackupCopy:
            guard let (datastore, region) = listSubject(move.subject), let list = root["datastores"]?[datastore]?["backups"]?["regions"],
                  case .sequence(let items) = list.content, let item = items.first(where: { $0.scalar == region }) else { return [] }
            return removing(item, from: list)
        case .backupEvery:
            guard parts.count == 2, let every = root["datastores"]?[parts[1]]?["backups"]?.pair("every") else { return [] }
            return edit(every.value) { $0.replace(every.value, with: move.value) }
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
