import express, { type Router } from 'express';
import { z } from 'zod';
import type { SiaghStore } from '../store';
import { parseParameters } from '../ctrlValues';
import { CONTACT_FORM_ID, contactForm } from '../forms/contactForm';
import { PRE_INVOICE_FORM_ID, preInvoiceForm, type PreInvoiceOptions } from '../forms/preInvoiceForm';
import { ErrorCodes, failed, formError } from '../forms/result';

const bodySchema = z.object({
  formId: z.string(),
  ctrlValues: z.string().nullable().default(''),
  parameters: z.string().nullable().default(''),
  dataRows: z.string().nullable().default(''),
  attachments: z.unknown().optional(),
  postCode: z.unknown().optional(),
  flowId: z.unknown().optional(),
});

export function saveFormDataRoutes(store: SiaghStore, opts: PreInvoiceOptions): Router {
  const r = express.Router();
  r.post('/BpmsApi/SaveFormData', (req, res) => {
    const parsed = bodySchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ Message: 'The request is invalid.' });
      return;
    }
    const b = parsed.data;
    const params = parseParameters(b.parameters);
    const ctrlValues = b.ctrlValues ?? '';
    switch (b.formId.trim().toUpperCase()) {
      case CONTACT_FORM_ID:
        res.json(store.journal.as('api', () => contactForm(store, ctrlValues, params)));
        return;
      case PRE_INVOICE_FORM_ID:
        res.json(preInvoiceForm(store, { ctrlValues, dataRows: b.dataRows ?? '' }, params, opts));
        return;
      default:
        res.json(failed([formError('formId', ErrorCodes.unknownForm, 'فرم مورد نظر یافت نشد.')]));
    }
  });
  return r;
}
