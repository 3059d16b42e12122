import BlueprintYAML
import Diagnostics

/// Collects diagnostics and source marks while the decoder walks a blueprint's nodes.
/// Every typed read reports its own located error and returns nil, so one pass finds them all.
final class DecodeContext {
    let file: String
    var diagnostics: [Diagnostic] = []
    var sourceMap = SourceMap()
    /// Findings per rule are capped; beyond the cap a finding is counted, its message never built.
    var budget = FindingBudget()
    /// Every part an error was reported for, shown or hidden: later stages leave them alone.
    var rejected = RejectedParts()

    init(file: String) { self.file = file }

    func error(_ rule: String, _ message: @autoclosure () -> String, at mark: SourceMark, path: String,
               notes: [Note] = [], fix: @autoclosure () -> String? = nil, rejecting: Bool = true) {
        if rejecting { rejected.reject(path: path, reason: Self.reason(rule), at: mark) }
        guard budget.admit(rule, .error, file: file, mark: mark, path: path) else { return }
        diagnostics.append(Diagnostic(.error, rule: rule, message: message(), file: file, mark: mark, path: path, notes: notes, fix: fix()))
    }

    /// How a withheld check names the value that blocked it: `objectives.availability is invalid`.
    static func reason(_ rule: String) -> String {
        switch rule {
        case "unknown-key": "is not a known key"
        case "missing-field": "is missing"
        case "duplicate-key": "is repeated"
        case "invalid-name": "is not a valid name"
        default: "is invalid"
        }
    }

    func invalid(_ node: YAMLNode, _ path: String, expected: String, fix: @autoclosure () -> String? = nil) {
        error("invalid-value", "\(path): expected \(expected), got \(Self.describe(node))", at: node.mark, path: path, fix: fix())
    }

    static func describe(_ node: YAMLNode) -> String {
        if let text = node.scalar, !node.isNull { return "'\(text)'" }
        return node.kindName
    }

    // MARK: Collections

    /// The entries of a mapping keyed by user-chosen names, marks recorded; nil if not a mapping.
    func entries(_ node: YAMLNode, _ path: String, atMost limit: Int? = nil, what: String = "entries")
        -> [(name: String, key: YAMLNode, value: YAMLNode)]? {
        guard case .mapping(let pairs) = node.content else {
            invalid(node, path, expected: "a mapping")
            return nil
        }
        if let limit, pairs.count > limit {
            tooMany(pairs.count, what, limit: limit, at: node, path)
            return nil
        }
        return pairs.compactMap { pair in
            guard let name = pair.key.scalar else { return nil }
            sourceMap.record(Self.join(path, name), pair.key.mark)
            return (name, pair.key, pair.value)
        }
    }

    func list(_ node: YAMLNode, _ path: String, atMost limit: Int? = nil, what: String = "entries") -> [(path: String, node: YAMLNode)]? {
        guard case .sequence(let items) = node.content else {
            invalid(node, path, expected: "a list")
            return nil
        }
        if let limit, items.count > limit {
            tooMany(items.count, what, limit: limit, at: node, path)
            return nil
        }
        return items.enumerated().map { index, item in
            let itemPath = "\(path)[\(index)]"
            sourceMap.record(itemPath, item.mark)
            return (itemPath, item)
        }
    }

    /// A collection over its documented bound (docs/limits.md) is refused whole, before any
    /// entry is read: one finding, however long the list.
    func tooMany(_ count: Int, _ what: String, limit: Int, at node: YAMLNode, _ path: String) {
        error("invalid-value", "\(path): \(count) \(what); at most \(limit) are supported", at: node.mark, path: path,
              fix: "see docs/limits.md for why the limit is where it is")
    }

    /// Names from a list, each reported and dropped when it repeats an earlier one: the
    /// model holds every name once, so nothing downstream meets the same region twice.
    func uniqueNames(_ items: [(path: String, node: YAMLNode)], what: String, read: (YAMLNode, String) -> String?) -> [String] {
        var seen: [String: String] = [:]
        var names: [String] = []
        for item in items {
            guard let name = read(item.node, item.path) else { continue }
            if let first = seen[name] {
                error("duplicate-key", "\(what) '\(name)' is listed twice (first at \(first))", at: item.node.mark, path: item.path,
                      fix: "remove this entry")
            } else {
                seen[name] = item.path
                names.append(name)
            }
        }
        return names
    }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    // MARK: Scalars

    /// Text, refused when it holds a control character YAML tools downstream would choke on;
    /// line feeds only where a value may span lines.
    func string(_ node: YAMLNode, _ path: String, multiline: Bool = false) -> String? {
        guard let text = node.scalar, !node.isNull else {
            invalid(node, path, expected: "a string")
            return nil
        }
        if let bad = ControlCharacters.first(in: text, allowingLineFeeds: multiline) {
            let problem = bad.scalar == "\n"
                ? "contains a line break at character \(bad.position); this value is one line"
                : "contains the control character \(ControlCharacters.name(bad.scalar)) at character \(bad.position); kustomize and other YAML tools refuse control characters"
            error("invalid-value", "\(path): \(problem)", at: node.mark, path: path, fix: "remove it")
            return nil
        }
        return text
    }

    func nonEmptyString(_ node: YAMLNode, _ path: String, multiline: Bool = false) -> String? {
        guard let text = string(node, path, multiline: multiline) else { return nil }
        if text.isEmpty {
            error("invalid-value", "\(path): must not be empty", at: node.mark, path: path)
            return nil
        }
        return text
    }

    func int(_ node: YAMLNode, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let text, .plain) = node.content, let value = Int(text) else {
            if case .scalar(let text, .plain) = node.content, Self.isWholeNumber(text) {
                // Int() refused a well-formed number: it does not fit in 64 bits.
                error("invalid-value", "\(path): \(text) is out of range; expected \(Self.describe(range))", at: node.mark, path: path)
            } else {
                invalid(node, path, expected: "a whole number")
            }
            return nil
        }
        guard range.contains(value) else {
            error("invalid-value", "\(path): \(value) is out of range; expected \(Self.describe(range))", at: node.mark, path: path)
            return nil
        }
        return value
    }

    static func isWholeNumber(_ text: String) -> Bool {
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, Int.max): "a whole number that fits in 64 bits"
        case (let low, Int.max): "at least \(low)"
        case (let low, let high): "from \(low) to \(high)"
        }
    }

    func bool(_ node: YAMLNode, _ path: String) -> Bool? {
        switch node.scalar {
        case "true" where !isQuoted(node): return true
        case "false" where !isQuoted(node): return false
        default:
            invalid(node, path, expected: "true or false")
            return nil
        }
    }

    func duration(_ node: YAMLNode, _ path: String) -> Duration? {
        guard let text = node.scalar, !node.isNull else {
            invalid(node, path, expected: "a duration like 30s, 5m or 250ms")
            return nil
        }
        let longest = Limits.longestDuration
        switch Duration.parse(text) {
        case .success(let value) where value <= longest:
            return value
        case .success, .failure(.tooLong):
            error("invalid-value", "\(path): '\(text)' is longer than 10y, the longest duration Meridian accepts",
                  at: node.mark, path: path, fix: "see docs/limits.md")
        case .failure(.malformed):
            invalid(node, path, expected: "a duration like 30s, 5m or 250ms")
        }
        return nil
    }

    func percentage(_ node: YAMLNode, _ path: String) -> Percentage? {
        guard let text = node.scalar, let value = Percentage(parsing: text) else {
            invalid(node, path, expected: "a percentage like 99.99%")
            return nil
        }
        return value
    }

    func quantity(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = node.scalar, !node.isNull, Quantity.isValid(text) else {
            invalid(node, path, expected: "a Kubernetes quantity like 500m, 1 or 2Gi")
            return nil
        }
        return text
    }

    /// A DNS-1123 label naming something; reports `invalid-name` otherwise.
    func name(_ node: YAMLNode, _ path: String, what: String) -> String? {
        guard let text = string(node, path) else { return nil }
        return checkName(text, at: node.mark, path: path, what: what) ? text : nil
    }

    @discardableResult
    func checkName(_ text: String, at mark: SourceMark, path: String, what: String) -> Bool {
        if DNSLabel.isValid(text) { return true }
        error("invalid-name",
              "\(what) name '\(text)' is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
              at: mark, path: path, fix: suggestedLabel(text).map { "rename it to '\($0)'" })
        return false
    }

    /// A service's name is also the name of its Kubernetes Service, which must be an RFC 1035 label:
    /// a DNS-1123 label that starts with a letter. The API server refuses a Service named `9api`
    /// (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names).
    func checkServiceName(_ text: String, at mark: SourceMark, path: String) -> Bool {
        guard checkName(text, at: mark, path: path, what: "service") else { return false }
        if let first = text.utf8.first, first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") { return true }
        error("invalid-name",
              "service name '\(text)' starts with a digit; it also names the service's Kubernetes Service, which must start with a letter (an RFC 1035 label)",
              at: mark, path: path, fix: "rename it to start with a letter, e.g. 'svc-\(text)'")
        return false
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: YAMLNode, _ path: String, as type: T.Type) -> T? where T.RawValue == String {
        let options = T.allCases.map(\.rawValue)
        guard let text = node.scalar, let value = T(rawValue: text) else {
            let got = node.scalar ?? ""
            invalid(node, path, expected: "one of \(options.joined(separator: ", "))",
                    fix: Suggestion.closest(to: got, among: options).map { "did you mean '\($0)'?" })
            return nil
        }
        return value
    }

    /// A scalar given either bare (both disruptions) or as `{ zone: …, region: … }`.
    func perDisruption<V>(_ node: YAMLNode, _ path: String, read: (YAMLNode, String) -> V?) -> PerDisruption<V>? {
        if case .mapping = node.content {
            guard let map = MappingReader(node, path, self, keys: ["zone", "region"]) else { return nil }
            guard let zoneNode = map.required("zone"), let regionNode = map.required("region") else { return nil }
            guard let zone = read(zoneNode, map.path("zone")), let region = read(regionNode, map.path("region")) else { return nil }
            return PerDisruption(zone: zone, region: region)
        }
        return read(node, path).map { PerDisruption(both: $0) }
    }

    /// An objective given bare (both disruptions) or as `{ zone: …, region: … }` with either
    /// side left out: a disruption it leaves out is not promised. A side that is invalid is
    /// reported and left out too, so the other side is still checked (and the withheld one announced).
    func promise(_ node: YAMLNode, _ path: String) -> PerDisruption<Duration?>? {
        guard case .mapping = node.content else { return duration(node, path).map { PerDisruption(both: $0) } }
        guard let map = MappingReader(node, path, self, keys: ["zone", "region"]) else { return nil }
        guard map["zone"] != nil || map["region"] != nil else {
            error("missing-field", "\(path) promises nothing; give 'zone', 'region' or both", at: node.mark, path: path,
                  fix: "add 'zone:' and/or 'region:', or remove '\(path)'")
            return nil
        }
        let zone = map["zone"].flatMap { duration($0, map.path("zone")) }
        let region = map["region"].flatMap { duration($0, map.path("region")) }
        return PerDisruption(zone: zone, region: region)
    }

    private func isQuoted(_ node: YAMLNode) -> Bool {
        if case .scalar(_, .plain) = node.content { return false }
        return true
    }

    private func suggestedLabel(_ text: String) -> String? {
        let dashed = String(text.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        // Splitting on '-' drops leading, trailing and repeated dashes in one go.
        let label = String(dashed.split(separator: "-").joined(separator: "-").prefix(63))
        return DNSLabel.isValid(label) && label != text ? label : nil
    }
}

/// A mapping with a fixed set of keys: reports unknown keys (with a suggestion) and
/// missing required ones, and records where each key sits.
struct MappingReader {
    let context: DecodeContext
    let basePath: String
    let mark: SourceMark
    private var values: [String: YAMLNode] = [:]

    init?(_ node: YAMLNode, _ path: String, _ context: DecodeContext, keys: [String]) {
        self.context = context
        self.basePath = path
        self.mark = node.mark
        guard case .mapping(let pairs) = node.content else {
            context.invalid(node, path, expected: "a mapping")
            return nil
        }
        for pair in pairs {
            guard let name = pair.key.scalar else { continue }
            let entry = (name: name, key: pair.key, value: pair.value)
            if keys.contains(entry.name) {
                // Only known keys are recorded: a million unknown ones cost a counter each.
                context.sourceMap.record(DecodeContext.join(path, entry.name), entry.key.mark)
                values[entry.name] = entry.value
            } else {
                let fullPath = DecodeContext.join(path, entry.name)
                let place = path.isEmpty ? "at the top level" : "in \(path)"
                // A misspelt key leaves the value it meant at its default: what reads that value is
                // withheld too, located at the misspelling.
                if !path.isEmpty, context.rejected.values(of: RejectedParts.entity(of: fullPath)).count < 8,
                   let meant = Suggestion.closest(to: entry.name, among: keys) {
                    context.rejected.reject(path: DecodeContext.join(path, meant), reason: "is not set ('\(entry.name)' is not a known key)",
                                            at: entry.key.mark)
                }
                // Autoclosures: past the finding budget neither message nor suggestion is computed.
                context.error("unknown-key", "unknown key '\(entry.name)' \(place)", at: entry.key.mark, path: fullPath,
                              fix: Suggestion.closest(to: entry.name, among: keys).map { "did you mean '\($0)'?" }
                                  ?? "expected one of: \(keys.joined(separator: ", "))")
            }
        }
    }

    subscript(_ key: String) -> YAMLNode? { values[key] }

    func path(_ key: String) -> String { DecodeContext.join(basePath, key) }

    func required(_ key: String) -> YAMLNode? {
        if let node = values[key] { return node }
        let place = basePath.isEmpty ? "the blueprint" : basePath
        // Reported at the mapping, recorded as the part it would have held: a missing
        // `regions:` leaves the regions out, a missing `blueprint:` nothing.
        context.rejected.reject(path: DecodeContext.join(basePath, key), reason: "is missing", at: mark)
        context.error("missing-field", "\(place) is missing the required key '\(key)'", at: mark, path: basePath,
                      fix: "add '\(key):'", rejecting: basePath.isEmpty)
        return nil
    }
}

/// "Did you mean" suggestions by edit distance.
public enum Suggestion {
    /// The candidate nearest to `word` when it is close enough to be a typo of it. Used for
    /// unknown keys and choices while decoding and for undeclared names in the validator.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let length = word.count
        let allowed = max(2, length / 3)
        let lowered = word.lowercased()
        // The distance is at least the difference in length: skip what cannot be near, so a
        // megabyte-long hostile name costs nothing.
        let scored = candidates.filter { abs($0.count - length) <= allowed }.map { ($0, distance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= allowed ? best.0 : nil
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
