import Diagnostics

/// Findings of one rule beyond the budget: how many, and where the first of them sits.
public struct HiddenFindings: Sendable {
    public var rule: String
    public var severity: Severity
    public var count: Int
    public var file: String
    public var mark: SourceMark
    public var path: String

    public init(rule: String, severity: Severity, count: Int, file: String, mark: SourceMark, path: String) {
        self.rule = rule
        self.severity = severity
        self.count = count
        self.file = file
        self.mark = mark
        self.path = path
    }
}

/// Caps the findings of each rule, so a million duplicate zones or unknown keys cost a counter,
/// not a million messages. The decoder asks before it builds a message; the pipeline applies
/// the same budget to everything it reports and closes each capped rule with one
/// "… and N more" finding, which keeps the exit status (it has the rule's severity).
public struct FindingBudget: Sendable {
    public let perRule: Int
    private var shown: [String: Int] = [:]
    public private(set) var hidden: [String: HiddenFindings] = [:]

    public init(perRule: Int = Limits.findingsPerRule) { self.perRule = perRule }

    /// Whether one more finding of `rule` is shown; if not, it is counted as hidden.
    public mutating func admit(_ rule: String, _ severity: Severity, file: String, mark: SourceMark, path: String) -> Bool {
        let count = shown[rule, default: 0]
        if count < perRule {
            shown[rule] = count + 1
            return true
        }
        hide(HiddenFindings(rule: rule, severity: severity, count: 1, file: file, mark: mark, path: path))
        return false
    }

    /// Adds findings another stage already hid, keeping the earliest location.
    public mutating func hide(_ more: HiddenFindings) {
        guard var existing = hidden[more.rule] else {
            hidden[more.rule] = more
            return
        }
        existing.count += more.count
        if (more.file, more.mark) < (existing.file, existing.mark) {
            (existing.file, existing.mark, existing.path) = (more.file, more.mark, more.path)
        }
        hidden[more.rule] = existing
    }

    /// One closing finding per capped rule, in rule order.
    public var summaries: [Diagnostic] {
        hidden.values.sorted { $0.rule < $1.rule }.map { group in
            Diagnostic(group.severity, rule: group.rule,
                       message: "… and \(group.count) more \(group.rule) finding\(group.count == 1 ? "" : "s") not shown (at most \(perRule) per rule)",
                       file: group.file, mark: group.mark, path: group.path,
                       fix: "fix the findings shown first; the rest are usually the same mistake repeated")
        }
    }

    /// The first `perRule` findings of each rule in source order, plus the closing findings,
    /// counting `alreadyHidden` (what an earlier stage never built) in.
    public static func limit(_ diagnostics: [Diagnostic], alreadyHidden: [HiddenFindings] = [],
                             perRule: Int = Limits.findingsPerRule) -> [Diagnostic] {
        var budget = FindingBudget(perRule: perRule)
        for group in alreadyHidden { budget.hide(group) }
        let kept = diagnostics.sortedBySource().filter {
            budget.admit($0.rule, $0.severity, file: $0.file, mark: $0.mark, path: $0.path)
        }
        return budget.hidden.isEmpty ? kept : (kept + budget.summaries).sortedBySource()
    }
}
