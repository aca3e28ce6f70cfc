/// The change kinds of the county's published data: catalog items and calendar years.
public enum CatalogKind {
    public static let itemPublished = "catalog.item_published"
    public static let calendarYearSet = "calendar.year_set"
}
