// AddressService.ValidateBatch
import { unimplemented, type HandlerContext } from '@clarity/kit';
import type { ValidateBatchRequest, ValidateBatchResponse } from '@clarity/proto/clarity/address/v1/address.js';
import type { AddressDeps } from '../server.js';

export function validateBatchHandler(_deps: AddressDeps) {
  return async (_request: ValidateBatchRequest, _context: HandlerContext): Promise<ValidateBatchResponse> => {
    throw unimplemented('ValidateBatch', 'address validation (issue #5)');
  };
}
