export { ERROR_CATALOG, type ErrorCode } from './catalog';
export { VigilError, isVigilError, asVigilError, type ErrorDetails } from './vigil-error';
export { errorCatalogTable, withErrorCatalogTable } from './catalog-table';
