import Foundation

extension Store {
    /// Writes an export (FHIR bundle, CSV) to a file the user named, through the durable-write
    /// layer: a temp file 0600, fsync, rename, fsync of the folder. A crash leaves the old file
    /// or the whole new one, never half an export that another system might import.
    public func saveExport(_ document: Data, to path: String) throws(StoreError) {
        try writeOutput(document, to: path, mayReplace: false)
    }
}
