import LiandongDomain

/// WebError ends a workbench request with a Chinese page and a status.
enum WebError: Error {
    /// The staff member's roles do not grant the permission: 403, audited.
    case forbidden(StaffPermission, target: String)
    case notFound(String)
    /// Bad input: 400 with what is wrong.
    case invalid(String)
}
