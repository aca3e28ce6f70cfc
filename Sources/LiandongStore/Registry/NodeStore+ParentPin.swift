import LiandongDomain

extension NodeStore {
    /// The pin of the parent's certificate (EnrollmentToken.pin), learned from the enrolment token:
    /// every connection to the parent must present that public key.
    public func parentPin() throws -> String? {
        try db.query("SELECT value FROM settings WHERE key = 'parent_pin'").first?.text(0)
    }

    public func setParentPin(_ pin: String?) throws {
        try db.write { db in
            if let pin {
                try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('parent_pin', ?)", .text(pin))
            } else {
                try db.run("DELETE FROM settings WHERE key = 'parent_pin'")
            }
        }
    }
}
