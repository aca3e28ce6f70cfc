import Foundation
import LiandongDomain
import LiandongStore

/// Bulk writes many changes at a node quickly, through the same NodeStore calls the CLI makes
/// (one process per acceptance would take minutes): enough changes that a push or a pull takes
/// several batches, so that a process can be killed in the middle of one.
enum Bulk {
    /// Accepts `count` cases of 高龄津贴申领 (township decides) at the node, each for another
    /// applicant (the same applicant again would be a possible duplicate); returns their numbers.
    @discardableResult
    static func accept(_ count: Int, at directory: String, label: String = "bulk") throws -> [String] {
        precondition(count <= 28_000, "one ID number per applicant: at most 28 days of 1,000")
        let store = try NodeStore.open(directory: directory)
        var numbers: [String] = []
        for index in 0..<count {
            let body = "11010519400" + String(format: "%03d%03d", 101 + index / 1000, index % 1000)
            let applicant = Applicant(name: "\(label)\(index)", idNumber: Applicants.id(body), phone: Applicants.phone)
            let state = try store.acceptCase(AcceptRequest(
                itemCode: Item.oldAgeAllowance.code, applicant: applicant, materials: Item.oldAgeAllowance.requiredMaterials, actor: "e2e"))
            numbers.append(state.number)
        }
        return numbers
    }

    /// A catalog file of the example items plus `extra` generated ones (codes 0009xxxxxxxx): a county
    /// import of it is one change per new item, routed to every node.
    static func largeCatalog(extra: Int, to path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Liandong.example("catalog.json")))
        guard var catalog = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              var items = catalog["items"] as? [[String: Any]], let template = items.first(where: { $0["code"] as? String == Item.oldAgeAllowance.code })
        else { throw E2EFailure("example catalog has no item \(Item.oldAgeAllowance.code)") }
        for index in 0..<extra {
            var item = template
            item["code"] = String(format: "0009%08d", index)
            item["name"] = "批量事项\(index)"
            item.removeValue(forKey: "implementationCode")
            items.append(item)
        }
        catalog["items"] = items
        try JSONSerialization.data(withJSONObject: catalog).write(to: URL(fileURLWithPath: path))
    }
}
