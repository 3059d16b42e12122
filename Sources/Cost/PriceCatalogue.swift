import BlueprintModel
import Foundation

/// The unit prices the cost model multiplies by, each with its region, source and the date it
/// was read. The committed catalogue (`PriceCatalogueData.swift`, refreshed by
/// scripts/refresh-prices.py) works offline; an override file in the same format replaces
/// entries by id, region and qualifier (discounts, Savings Plans, prices the catalogue lacks).
public struct PriceCatalogue: Sendable {
    public struct Entry: Sendable, Hashable {
        /// What is priced, e.g. `eks.clusterHour`, `ec2.instanceHour`, `transfer.interRegionGB`.
        public var id: String
        /// An AWS region, or `global` for services priced the same everywhere (Route53).
        public var region: String
        /// Narrows the id: an instance type (`m5.large`), a DB engine and class (`aurora-postgresql/db.r6g.large`).
        public var qualifier: String?
        /// nil: the price could not be found; the cost report lists the line as unpriced.
        public var usd: Decimal?
        public var unit: String
        public var source: String
        public var read: String
        public var note: String?
        /// Instance shape, for node families priced per instance.
        public var vcpus: Int?
        public var memoryGiB: Int?
    }

    public var read: String
    public var entries: [Entry]
    /// Where an override came from, for the report.
    public var overriddenBy: String?

    /// A price and how it was found.
    public struct Lookup: Sendable, Hashable {
        public var entry: Entry
        /// The catalogue had no price for the region asked and this is the fallback region's.
        public var fallbackFrom: String?
        public var usd: Decimal? { entry.usd }
    }

    /// The region whose prices stand in for a region the catalogue lacks, flagged on every line that uses one.
    public static let fallbackRegion = "us-east-1"

    public func lookup(_ id: String, region: String, qualifier: String? = nil) -> Lookup? {
        func find(_ region: String) -> Entry? {
            entries.last { $0.id == id && $0.region == region && $0.qualifier == qualifier }
        }
        if let entry = find(region) ?? find("global") { return Lookup(entry: entry) }
        if region != Self.fallbackRegion, let entry = find(Self.fallbackRegion) { return Lookup(entry: entry, fallbackFrom: region) }
        return nil
    }

    /// Instance types of a family that the catalogue prices, smallest first.
    public func instances(ofFamily family: String) -> [Entry] {
        entries.filter { $0.id == "ec2.instanceHour" && ($0.qualifier?.hasPrefix(family + ".") ?? false) && $0.vcpus != nil }
            .sorted { ($0.vcpus ?? 0) < ($1.vcpus ?? 0) }
    }

    public enum LoadError: Error, CustomStringConvertible {
        case malformed(String)
        public var description: String {
            switch self { case .malformed(let why): why }
        }
    }

    /// Parses the catalogue format: `{"read": "YYYY-MM-DD", "prices": [{id, region, qualifier?, usd, unit, source, read, note?}]}`.
    /// `usd` is a string (an exact decimal) or null for a price that could not be found.
    public static func parse(_ data: Data, origin: String) throws -> PriceCatalogue {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError.malformed("\(origin): not a JSON object")
        }
        guard let list = object["prices"] as? [[String: Any]] else {
            throw LoadError.malformed("\(origin): missing \"prices\", a list of price entries")
        }
        var entries: [Entry] = []
        for (index, item) in list.enumerated() {
            let place = "\(origin): prices[\(index)]"
            guard let id = item["id"] as? String, let region = item["region"] as? String else {
                throw LoadError.malformed("\(place): needs \"id\" and \"region\"")
            }
            var usd: Decimal?
            switch item["usd"] {
            case let text as String:
                guard PriceText.isValid(text), let value = Money.decimal(text) else {
                    throw LoadError.malformed("\(place): usd '\(text)' is not a decimal like \"0.096\"")
                }
                usd = value
            case is NSNull, nil:
                usd = nil
            default:
                throw LoadError.malformed("\(place): usd must be a string like \"0.096\" (exact decimal) or null")
            }
            entries.append(Entry(
                id: id, region: region, qualifier: item["qualifier"] as? String, usd: usd,
                unit: item["unit"] as? String ?? "", source: item["source"] as? String ?? origin,
                read: item["read"] as? String ?? (object["read"] as? String ?? ""), note: item["note"] as? String,
                vcpus: item["vcpus"] as? Int, memoryGiB: item["memoryGiB"] as? Int))
        }
        return PriceCatalogue(read: object["read"] as? String ?? "", entries: entries)
    }

    /// The committed catalogue.
    public static let committed: PriceCatalogue = {
        // The embedded text is checked by the tests; a broken one is a build defect, not user input.
        try! parse(Data(embeddedJSON.utf8), origin: "the committed price catalogue")
    }()

    /// This catalogue with `override`'s entries in front (they win on id, region and qualifier).
    public func overridden(by override: PriceCatalogue, origin: String) -> PriceCatalogue {
        var result = self
        result.entries += override.entries
        result.overriddenBy = origin
        return result
    }

    /// Days between the catalogue's read date and `today` (both YYYY-MM-DD, UTC); nil when unreadable.
    public func age(today: Date = Date()) -> Int? {
        Self.age(read: read, today: today)
    }

    /// Integer calendar arithmetic rather than a DateFormatter: building one (ICU) was a fifth of a
    /// small blueprint's `lint`.
    static func age(read: String, today: Date) -> Int? {
        let parts = read.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        let seconds = Double(daysSinceEpoch(year: year, month: month, day: day)) * 86_400
        return Int((today.timeIntervalSince1970 - seconds) / 86_400)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The committed catalogue's read date, without parsing the catalogue (all `lint` needs of it).
    public static let committedRead: String = {
        let marker = #""read": ""#
        guard let start = embeddedJSON.range(of: marker)?.upperBound,
              let end = embeddedJSON[start...].firstIndex(of: "\"") else { return "" }
        return String(embeddedJSON[start..<end])
    }()

    public static let staleAfterDays = 90
}

extension PriceCatalogue {
    /// The file `cost.prices` names, beside the blueprint: an input of every cost figure, so the
    /// analysis cache compares its bytes too.
    public static func overrideFile(of blueprint: Blueprint) -> String? {
        guard let relative = blueprint.cost.prices else { return nil }
        let folder = (blueprint.file as NSString).deletingLastPathComponent
        return folder.isEmpty ? relative : (folder as NSString).appendingPathComponent(relative)
    }

    /// The committed catalogue with the blueprint's override file (`cost.prices`, beside the
    /// blueprint) and then `flag` (a `--prices` file) applied. A file that cannot be read or parsed
    /// is an error naming it.
    public static func resolve(for blueprint: Blueprint, flag: String? = nil) -> Result<PriceCatalogue, LoadError> {
        var catalogue = committed
        let files = [overrideFile(of: blueprint), flag].compactMap { $0 }
        for file in files {
            // The path comes from the blueprint, so a pull request can point it at a committed
            // symbolic link to /dev/zero or a FIFO: only a regular file of at most 16 MiB is read
            // (the bound every blueprint input has; docs/limits.md "Files").
            var info = stat()
            guard stat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                return .failure(.malformed("\(file): the price override file is not a regular file"))
            }
            guard info.st_size <= 16 * 1024 * 1024 else {
                return .failure(.malformed("\(file): the price override file is \(info.st_size) bytes; at most 16 MiB is read"))
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                return .failure(.malformed("\(file): cannot read the price override file"))
            }
            do {
                catalogue = catalogue.overridden(by: try parse(data, origin: file), origin: file)
            } catch let error as LoadError {
                return .failure(error)
            } catch {
                return .failure(.malformed("\(file): \(error)"))
            }
        }
        return .success(catalogue)
    }
}
