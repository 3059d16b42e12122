import Cost
import Diagnostics
import Foundation

/// The cost section of `explain`, REPORT.md and `simulate`: the bill line by line with
/// its arithmetic, the standby's share and the cost of resilience (docs/cost.md).
public enum CostRenderer {
    static func summary(_ report: CostReport) -> Table {
        var rows: [[String]] = [
            ["monthly total", Money.dollars(report.total)],
            ["standby's share", Money.dollars(report.standbyShare)],
            ["single-region, single-copy baseline" + (report.baselineRegion.map { " (\($0))" } ?? ""), Money.dollars(report.baseline)],
            ["cost of resilience (total − baseline)", Money.dollars(report.costOfResilience)],
        ]
        if !report.unpriced.isEmpty { rows.append(["unpriced lines (left out of the total)", String(report.unpriced.count)]) }
        rows.append(["price catalogue read", report.catalogueRead + (report.overriddenBy.map { ", overridden by \($0)" } ?? "")])
        if !report.down.isEmpty { rows.append(["outage mode: regions down", report.down.joined(separator: ", ")]) }
        return Table(headers: ["figure", "USD/month"], rows: rows)
    }

    static func regions(_ report: CostReport) -> Table {
        Table(headers: ["region", "USD/month"], rows: report.perRegion.map { [$0.region, Money.dollars($0.monthly)] })
    }

    static func lines(_ report: CostReport) -> Table {
        let formatted = FormattedAmounts()
        return Table(headers: ["category", "region", "item", "arithmetic", "quantity", "unit price", "USD/month", "price note"],
                     of: report.lines) { line in
            [line.category.rawValue + (line.standby ? " (standby)" : ""), line.region, line.item, line.arithmetic,
             "\(formatted.number(line.quantity)) \(line.unit)", line.unitPrice.map(formatted.price) ?? "unpriced",
             line.monthly.map(formatted.dollars) ?? "-", line.priceNote ?? ""]
        }
    }

    /// Each amount of a lines table formatted once: a large blueprint's thousands of lines repeat a
    /// few quantities, prices and totals, and Decimal formatting is most of the table's time. The
    /// text depends on the value alone (equal values, whatever their exponent, print alike).
    /// Used by one table's rows, which are made one at a time on one thread.
    private final class FormattedAmounts {
        private var numbers: [Decimal: String] = [:], prices: [Decimal: String] = [:], amounts: [Decimal: String] = [:]

        func number(_ value: Decimal) -> String { cached(value, in: &numbers) { Money.number($0) } }
        func price(_ value: Decimal) -> String { cached(value, in: &prices, Money.price) }
        func dollars(_ value: Decimal) -> String { cached(value, in: &amounts, Money.dollars) }

        private func cached(_ value: Decimal, in table: inout [Decimal: String], _ format: (Decimal) -> String) -> String {
            if let text = table[value] { return text }
            let text = format(value)
            table[value] = text
            return text
        }
    }

    static func defaults(_ report: CostReport) -> String {
        guard !report.defaults.isEmpty else { return "" }
        return "Defaults used (set them under `cost:` in the blueprint): " + report.defaults.joined(separator: "; ") + "\n"
    }

    public static func text(_ report: CostReport) -> String {
        String(decoding: textUTF8(report), as: UTF8.self)
    }

    public static func textUTF8(_ report: CostReport) -> [UInt8] {
        var out: [UInt8] = []
        text(report, into: &out)
        return out
    }

    static func text(_ report: CostReport, into out: inout [UInt8]) {
        out += "\nMonthly cost (USD, on-demand list prices)\n\n".utf8
        summary(report).text(into: &out)
        out += "\nPer region\n\n".utf8
        regions(report).text(into: &out)
        out += "\nLines\n\n".utf8
        lines(report).text(into: &out)
        let notes = defaults(report)
        if !notes.isEmpty { out += "\n".utf8; out += notes.utf8 }
    }

    public static func markdown(_ report: CostReport, heading: String = "##") -> String {
        var out: [UInt8] = []
        markdown(report, heading: heading, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the cost section to `out`, a line of the lines table at a time.
    static func markdown(_ report: CostReport, heading: String = "##", into out: inout [UInt8]) {
        out += "\n\(heading) Monthly cost\n\n".utf8
        out += "On-demand list prices from the committed catalogue (docs/prices/aws.json); formulas in docs/cost.md.\n\n".utf8
        summary(report).markdown(into: &out)
        out += "\n".utf8
        regions(report).markdown(into: &out)
        out += "\n".utf8
        lines(report).markdown(into: &out)
        let notes = defaults(report)
        if !notes.isEmpty { out += "\n".utf8; out += notes.utf8 }
    }

    /// `$6,012.33 a month in this outage, +$465.29 over normal ($5,547.04); the survivors run their region-loss share.`
    public static func outageLine(_ outage: CostReport, normal: CostReport) -> String {
        var text = "\(Money.dollars(outage.total)) a month while \(outage.down.isEmpty ? "only zones are" : outage.down.joined(separator: ", ") + (outage.down.count == 1 ? " is" : " are")) down, "
        text += "\(Money.signedDollars(outage.total - normal.total)) over normal (\(Money.dollars(normal.total))): "
        text += outage.down.isEmpty
            ? "a zone loss changes no sizing, so nothing is added."
            : "the survivors run their region-loss share and carry the lost region's traffic; the lost region's resources are still counted while they exist (`explain` on an outage-mode compile lists every line)."
        return text
    }

    static func number(_ value: Decimal) -> Double { Money.double(Money.rounded(value, scale: 6)) }

    public static func json(_ report: CostReport) -> JSONValue {
        [
            "currency": "USD",
            "monthlyTotal": .double(number(report.total)),
            "standbyShare": .double(number(report.standbyShare)),
            "baseline": ["region": JSONValue(report.baselineRegion), "monthly": .double(number(report.baseline))],
            "costOfResilience": .double(number(report.costOfResilience)),
            "catalogueRead": .string(report.catalogueRead),
            "overriddenBy": JSONValue(report.overriddenBy),
            "down": JSONValue(report.down),
            "defaults": JSONValue(report.defaults),
            "perRegion": .array(report.perRegion.map { ["region": .string($0.region), "monthly": .double(number($0.monthly))] }),
            "lines": .array(report.lines.map { line in
                ["category": .string(line.category.rawValue), "region": .string(line.region), "item": .string(line.item),
                 "arithmetic": .string(line.arithmetic), "quantity": .double(number(line.quantity)), "unit": .string(line.unit),
                 "unitPrice": JSONValue(line.unitPrice.map(number)), "monthly": JSONValue(line.monthly.map(number)),
                 "priceNote": JSONValue(line.priceNote), "standby": .bool(line.standby)]
            }),
        ]
    }
}
