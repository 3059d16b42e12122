/// A Route53 geolocation: a continent (`EU`), a country (`country:CH`), a US state
/// (`country:US-CA`) or the default location (`default`, Route53's country `*`).
public struct GeoLocation: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case continent(String)
        case country(String)
        case subdivision(country: String, code: String)
        case `default`
    }

    public var kind: Kind

    /// Route53's continent codes.
    public static let continents: Set<String> = ["AF", "AN", "AS", "EU", "NA", "OC", "SA"]

    /// ISO 3166-1 alpha-2 codes, the countries Route53 geolocation accepts.
    public static let countries: Set<String> = Set("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO \
        JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR \
        MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO \
        RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV \
        TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(separator: " ").map(String.init))

    public init?(_ text: String) {
        if text == "default" {
            kind = .default
        } else if Self.continents.contains(text) {
            kind = .continent(text)
        } else if text.hasPrefix("country:") {
            let code = text.dropFirst("country:".count)
            let parts = code.split(separator: "-", omittingEmptySubsequences: false)
            guard let country = parts.first.map(String.init), Self.countries.contains(country) else { return nil }
            if parts.count == 1 {
                kind = .country(country)
            } else if parts.count == 2, country == "US", parts[1].count == 2, parts[1].allSatisfy({ $0.isUppercase && $0.isASCII }) {
                // Route53 subdivisions are US states only.
                kind = .subdivision(country: country, code: String(parts[1]))
            } else {
                return nil
            }
        } else {
            return nil
        }
    }

    /// Route53's `geolocation_routing_policy` arguments.
    public var attributes: [(String, String)] {
        switch kind {
        case .continent(let code): [("continent", code)]
        case .country(let code): [("country", code)]
        case .subdivision(let country, let code): [("country", country), ("subdivision", code)]
        case .default: [("country", "*")]
        }
    }

    /// A stable token for resource names and set identifiers (`EU`, `country-CH`, `default`).
    public var identifier: String {
        switch kind {
        case .continent(let code): code.lowercased()
        case .country(let code): "country-\(code.lowercased())"
        case .subdivision(let country, let code): "country-\(country.lowercased())-\(code.lowercased())"
        case .default: "default"
        }
    }
}
