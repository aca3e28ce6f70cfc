import Foundation
import XCTest

/// `catalog import|list|show` and `calendar set|show` on a county node; only the county publishes.
final class CatalogEndToEndTests: XCTestCase {
    func testImportPublishesEveryItemAndReimportPublishesNothing() throws {
        let node = try TestNode()
        _ = try node.object("init", "--role", "county", "--code", "330127", "--name", "淳安县")
        XCTAssertEqual(try node.array("catalog", "list").count, 0)

        let first = try node.object("catalog", "import", Liandong.example("catalog.json"))
        XCTAssertEqual((first["published"] as? [String])?.count, Item.exampleCount)
        XCTAssertEqual(first["unchanged"] as? Int, 0)
        let changes = try node.status()["changes"] as? Int
        XCTAssertEqual(changes, 1 + Item.exampleCount, "the county's own registration, then one signed change per published item")

        let again = try node.object("catalog", "import", Liandong.example("catalog.json"))
        XCTAssertEqual((again["published"] as? [String])?.count, 0, "re-importing the same file publishes nothing")
        XCTAssertEqual(again["unchanged"] as? Int, Item.exampleCount)
        XCTAssertEqual(try node.status()["changes"] as? Int, changes, "and records no change")

        let text = try node.run("catalog", "import", Liandong.example("catalog.json"))
        XCTAssertEqual(text.exitCode, 0, text.transcript)
        XCTAssertTrue(text.stdout.contains("已发布 0 个事项") && text.stdout.contains("\(Item.exampleCount) 个未变化"), text.transcript)
    }

    func testChangingOneItemPublishesOnlyThatItemAsANewVersion() throws {
        let node = try TestNode.county()
        let catalog = try ExampleCatalog()
        catalog.items[4]["name"] = "最低生活保障审核确认"
        catalog.items[4]["version"] = 2  // a changed item must carry a higher version
        let result = try node.object("catalog", "import", try catalog.write(to: node.file("changed.json")))
        XCTAssertEqual(result["published"] as? [String], [Item.minimumLiving.code])
        XCTAssertEqual(result["unchanged"] as? Int, Item.exampleCount - 1)
        let shown = try node.object("catalog", "show", Item.minimumLiving.code)
        XCTAssertEqual(shown["name"] as? String, "最低生活保障审核确认")
        XCTAssertEqual(shown["version"] as? Int, 2)
    }

    func testListAndShowDescribeTheExampleItems() throws {
        let node = try TestNode.county()
        let items = try node.array("catalog", "list")
        XCTAssertEqual(items.count, Item.exampleCount)
        let codes = items.compactMap { $0["code"] as? String }
        XCTAssertEqual(codes, codes.sorted(), "listed by code")
        let senior = try XCTUnwrap(items.first { $0["code"] as? String == Item.seniorCard.code })
        XCTAssertEqual(senior["name"] as? String, "老年人优待证办理")
        XCTAssertEqual(senior["kind"] as? String, "immediate")
        XCTAssertEqual(senior["decideAt"] as? String, "township")

        let item = try node.object("catalog", "show", Item.minimumLiving.code)
        XCTAssertEqual(item["name"] as? String, Item.minimumLiving.name)
        XCTAssertEqual(item["kind"] as? String, "promised")
        XCTAssertEqual(item["decideAt"] as? String, "county")
        XCTAssertEqual(item["acceptAt"] as? [String], ["village", "township", "county"])
        XCTAssertEqual((item["promisedLimit"] as? [String: Any])?["days"] as? Int, 20)
        XCTAssertEqual((item["legalLimit"] as? [String: Any])?["unit"] as? String, "working")
        XCTAssertEqual(item["toleratedMissing"] as? Bool, true)
        XCTAssertEqual(item["supplementPausesClock"] as? Bool, true)
        let materials = try XCTUnwrap(item["materials"] as? [[String: Any]])
        XCTAssertEqual(materials.count, 7)
        XCTAssertEqual(materials.filter { $0["required"] as? Bool == true }.compactMap { $0["id"] as? String }, Item.minimumLiving.requiredMaterials)

        let text = try node.run("catalog", "show", Item.minimumLiving.code)
        XCTAssertTrue(text.stdout.contains("最低生活保障申请") && text.stdout.contains("承诺时限 20 个工作日"), text.transcript)

        let unknown = try node.failing("catalog", "show", "000000000000")
        XCTAssertEqual(try unknown.object()["error"] as? String, "unknown_item")
        XCTAssertTrue(unknown.stderr.contains("000000000000"), unknown.transcript)
    }

    /// Each bad catalog also renames item 0, so that a partial import would show in the list.
    func testImportErrorsNameTheItemAndTheFieldAndWriteNothing() throws {
        let node = try TestNode.county()
        let listBefore = try node.run("catalog", "list", "--json").stdout
        let changesBefore = try node.status()["changes"] as? Int
        let victim = Item.minimumLiving.code  // items[4]

        let mutations: [(name: String, code: String, field: String, item: String, mutate: (ExampleCatalog) -> Void)] = [
            ("wrong type", "wrong_type", "items[4].legalLimit.days", victim, { c in
                var limit = c.items[4]["legalLimit"] as? [String: Any] ?? [:]
                limit["days"] = "二十"
                c.items[4]["legalLimit"] = limit
            }),
            ("unknown enum value", "unknown_value", "items[4].kind", victim, { c in c.items[4]["kind"] = "urgent" }),
            ("unknown material form", "unknown_value", "items[4].materials[1].form", victim, { c in
                var materials = c.items[4]["materials"] as? [[String: Any]] ?? []
                materials[1]["form"] = "fax"
                c.items[4]["materials"] = materials
            }),
            ("unknown field", "unknown_field", "items[4].colour", victim, { c in c.items[4]["colour"] = "red" }),
            ("missing field", "missing_field", "items[4].decideAt", victim, { c in c.items[4]["decideAt"] = nil }),
            ("duplicate code", "duplicate", "items[5].code", victim, { c in c.items[5]["code"] = victim }),
        ]
        for mutation in mutations {
            let catalog = try ExampleCatalog()
            catalog.items[0]["name"] = "不应出现的新名称"
            mutation.mutate(catalog)
            let path = try catalog.write(to: node.file("bad.json"))
            let result = try node.failing("catalog", "import", path)
            let error = try result.object()
            XCTAssertEqual(error["error"] as? String, mutation.code, "\(mutation.name)\n\(result.transcript)")
            XCTAssertEqual(error["field"] as? String, mutation.field, "\(mutation.name)\n\(result.transcript)")
            XCTAssertEqual(error["item"] as? String, mutation.item, "\(mutation.name)\n\(result.transcript)")
            XCTAssertNotNil(error["message"] as? String)
            XCTAssertTrue(result.stderr.hasPrefix("错误："), result.transcript)
            XCTAssertTrue(result.stderr.contains(mutation.field), "stderr names the field: \(mutation.name)\n\(result.transcript)")
            XCTAssertTrue(result.stderr.contains(mutation.item), "stderr names the item: \(mutation.name)\n\(result.transcript)")

            XCTAssertEqual(try node.run("catalog", "list", "--json").stdout, listBefore, "\(mutation.name): catalog unchanged")
            XCTAssertEqual(try node.status()["changes"] as? Int, changesBefore, "\(mutation.name): no change recorded")
        }
    }

    func testMalformedCatalogJSONReportsTheByteOffset() throws {
        let node = try TestNode.county()
        let listBefore = try node.run("catalog", "list", "--json").stdout
        let text = #"{"version": 1, "items": [{"code": "000120017000", "name": "老年人优待证",, "kind": "immediate"}]}"#
        let bytes = Array(text.utf8)
        let comma = UInt8(ascii: ",")
        let expected = try XCTUnwrap(bytes.indices.first { $0 > 0 && bytes[$0] == comma && bytes[$0 - 1] == comma })
        let path = node.file("malformed.json")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let result = try node.failing("catalog", "import", path)
        let error = try result.object()
        XCTAssertEqual(error["error"] as? String, "malformed_json", result.transcript)
        XCTAssertEqual(error["offset"] as? Int, expected, "the offset of the second comma, in bytes (the name is UTF-8)")
        XCTAssertTrue(result.stderr.contains("第 \(expected) 字节"), result.transcript)
        XCTAssertEqual(try node.run("catalog", "list", "--json").stdout, listBefore)

        let missing = try node.failing("catalog", "import", node.file("no-such-file.json"))
        XCTAssertEqual(try missing.object()["error"] as? String, "file_not_found")
    }

    func testCalendarSetAndShow() throws {
        let node = try TestNode()
        _ = try node.object("init", "--role", "county", "--code", "330127", "--name", "淳安县")
        XCTAssertEqual(try node.array("calendar", "show").count, 0)
        let set = try node.object("calendar", "set", Liandong.example("calendar-2026.json"))
        XCTAssertEqual(set["year"] as? Int, 2026)

        let years = try node.array("calendar", "show", "--year", "2026")
        XCTAssertEqual(years.count, 1)
        let holidays = try XCTUnwrap(years[0]["holidays"] as? [String])
        let workdays = try XCTUnwrap(years[0]["workdays"] as? [String])
        XCTAssertEqual(holidays.count, 33)
        XCTAssertTrue(holidays.contains("2026-10-01") && holidays.contains("2026-02-17"))
        XCTAssertEqual(workdays, ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])

        let text = try node.run("calendar", "show")
        XCTAssertTrue(text.stdout.contains("2026 年") && text.stdout.contains("2026-10-10"), text.transcript)

        let notSet = try node.failing("calendar", "show", "--year", "2027")
        XCTAssertEqual(try notSet.object()["error"] as? String, "calendar_year_not_set")
    }

    func testABadCalendarFileIsRefusedWithTheFieldAndChangesNothing() throws {
        let node = try TestNode.county()
        let before = try node.run("calendar", "show", "--json").stdout
        let changesBefore = try node.status()["changes"] as? Int
        let files: [(json: String, code: String, field: String)] = [
            (#"{"year": 2026, "holidays": ["2026-02-30"], "workdays": []}"#, "invalid_field", "holidays[0]"),
            (#"{"year": 2026, "holidays": ["2026-10-01", "2027-01-01"], "workdays": []}"#, "invalid_field", "holidays[1]"),
            (#"{"year": 2026, "holidays": [], "workdays": ["2026-10-12"]}"#, "invalid_field", "workdays[0]"),
            (#"{"year": "2026", "holidays": [], "workdays": []}"#, "wrong_type", "year"),
            (#"{"year": 2026, "holidays": []}"#, "missing_field", "workdays"),
        ]
        for file in files {
            let path = node.file("calendar.json")
            try Data(file.json.utf8).write(to: URL(fileURLWithPath: path))
            let result = try node.failing("calendar", "set", path)
            let error = try result.object()
            XCTAssertEqual(error["error"] as? String, file.code, result.transcript)
            XCTAssertEqual(error["field"] as? String, file.field, result.transcript)
            XCTAssertTrue(result.stderr.contains(file.field), "stderr names the field\n\(result.transcript)")
        }
        XCTAssertEqual(try node.run("calendar", "show", "--json").stdout, before)
        XCTAssertEqual(try node.status()["changes"] as? Int, changesBefore)
    }

    func testOnlyTheCountyPublishesTheCatalogAndTheCalendar() throws {
        for (role, code) in [("township", "330127101"), ("village", "330127101201")] {
            let node = try TestNode()
            _ = try node.object("init", "--role", role, "--code", code, "--name", "某\(role)")
            let catalog = try node.failing("catalog", "import", Liandong.example("catalog.json"))
            XCTAssertEqual(try catalog.object()["error"] as? String, "not_authorized", catalog.transcript)
            XCTAssertTrue(catalog.stderr.contains("只有县政务服务中心可以发布事项目录"), catalog.transcript)
            let calendar = try node.failing("calendar", "set", Liandong.example("calendar-2026.json"))
            XCTAssertEqual(try calendar.object()["error"] as? String, "not_authorized", calendar.transcript)
            XCTAssertEqual(try node.array("catalog", "list").count, 0)
            XCTAssertEqual(try node.array("calendar", "show").count, 0)
            XCTAssertEqual(try node.status()["changes"] as? Int, 0)
        }
    }
}

/// ExampleCatalog is Deploy/examples/catalog.json as mutable dictionaries, for making bad copies.
final class ExampleCatalog {
    var document: [String: Any]
    var items: [[String: Any]]

    init() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Liandong.example("catalog.json")))
        document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        items = try XCTUnwrap(document["items"] as? [[String: Any]])
    }

    func write(to path: String) throws -> String {
        document["items"] = items
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}
