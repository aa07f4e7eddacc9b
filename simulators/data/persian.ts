// Persian text as it really appears in both systems: the same name typed with Arabic (ي ك) or
// Persian (ی ک) letters, numbers in Latin, Persian (۰-۹) or Arabic-Indic (٠-٩) digits.

export const FIRST_NAMES_MALE = [
  'علی',
  'محمد',
  'حسین',
  'رضا',
  'مهدی',
  'امیر',
  'حمید',
  'کامران',
  'یوسف',
  'کاظم',
  'یاسر',
  'مصطفی',
  'سعید',
  'مجید',
  'کیوان',
  'پویا',
  'بهروز',
  'فرهاد',
  'یعقوب',
  'اکبر',
  'مرتضی',
  'کوروش',
  'نیما',
  'سینا',
];
export const FIRST_NAMES_FEMALE = [
  'زهرا',
  'فاطمه',
  'مریم',
  'سمیرا',
  'نیلوفر',
  'کیمیا',
  'یاسمن',
  'شیرین',
  'لیلا',
  'مینا',
  'ریحانه',
  'سکینه',
  'کبری',
  'نرگس',
  'پریسا',
  'یگانه',
  'آیدا',
  'الهام',
  'کتایون',
  'هانیه',
];
export const LAST_NAMES = [
  'محمدی',
  'حسینی',
  'احمدی',
  'کریمی',
  'رضایی',
  'موسوی',
  'جعفری',
  'کاظمی',
  'یزدانی',
  'کرمانی',
  'صادقی',
  'رحیمی',
  'نیکپور',
  'یوسفی',
  'کیانی',
  'شیرازی',
  'تهرانی',
  'قاسمی',
  'نوری',
  'کاشانی',
  'یگانه',
  'ملکی',
  'زارعی',
  'فرهادی',
  'کوهی',
  'میرزایی',
  'بیگی',
  'سلیمانی',
  'کمالی',
  'اکبری',
];
export const ORG_PREFIXES = ['شرکت', 'شرکت بازرگانی', 'گروه صنعتی', 'شرکت تولیدی', 'فروشگاه', 'کارخانه'];
export const ORG_WORDS = [
  'پارس',
  'کیان',
  'یکتا',
  'آریا',
  'سپهر',
  'کاوه',
  'نیکان',
  'البرز',
  'زاگرس',
  'مهر',
  'کوثر',
  'یاران',
  'پیشرو',
  'سازه',
  'کیمیا',
  'فولاد',
  'نگین',
  'دریا',
];
export const ORG_SUFFIXES = ['', ' سهامی خاص', ' (سهامی عام)', ' و شرکا', ' تجارت'];
export const BUSINESS_TYPES = ['تولیدی', 'بازرگانی', 'خدماتی', 'پیمانکاری', 'پخش'];

export interface City {
  name: string;
  state: string;
  code: number;
  areaCode: string;
}
export const CITIES: City[] = [
  { name: 'تهران', state: 'تهران', code: 1, areaCode: '021' },
  { name: 'مشهد', state: 'خراسان رضوی', code: 2, areaCode: '051' },
  { name: 'اصفهان', state: 'اصفهان', code: 3, areaCode: '031' },
  { name: 'شیراز', state: 'فارس', code: 4, areaCode: '071' },
  { name: 'تبریز', state: 'آذربایجان شرقی', code: 5, areaCode: '041' },
  { name: 'کرج', state: 'البرز', code: 6, areaCode: '026' },
  { name: 'کرمان', state: 'کرمان', code: 7, areaCode: '034' },
  { name: 'یزد', state: 'یزد', code: 8, areaCode: '035' },
  { name: 'قم', state: 'قم', code: 9, areaCode: '025' },
  { name: 'رشت', state: 'گیلان', code: 10, areaCode: '013' },
];
export const STREETS = [
  'ولیعصر',
  'آزادی',
  'انقلاب',
  'کریمخان',
  'شریعتی',
  'مطهری',
  'کارگر',
  'یادگار امام',
  'پاسداران',
  'نیاوران',
];
export const ALLEYS = ['کوچه یاس', 'کوچه نیلوفر', 'کوچه کاج', 'کوچه ۱۲', 'کوچه شهید کریمی', 'بن بست یکم'];

export const PRODUCTS = [
  { code: '1001', name: 'کاغذ A4', unit: 'بسته' },
  { code: '1002', name: 'کارتریج لیزری', unit: 'عدد' },
  { code: '2001', name: 'میز اداری', unit: 'عدد' },
  { code: '2002', name: 'صندلی کارمندی', unit: 'عدد' },
  { code: '3001', name: 'کابل شبکه', unit: 'متر' },
  { code: '3002', name: 'روغن صنعتی', unit: 'لیتر' },
  { code: '4001', name: 'آهن آلات', unit: 'کیلوگرم' },
  { code: '4002', name: 'خدمات نصب', unit: 'ساعت' },
];

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

export type DigitStyle = 'latin' | 'persian' | 'arabic';

export function toDigits(s: string, style: DigitStyle): string {
  if (style === 'latin') return s;
  const table = style === 'persian' ? PERSIAN_DIGITS : ARABIC_DIGITS;
  return s.replace(/[0-9]/g, (d) => table[Number(d)] ?? d);
}

/** Types the text with Arabic ي and ك, as a keyboard with an Arabic layout does. */
export function toArabicForms(s: string): string {
  return s.replace(/[یک]/g, (c) => (c === 'ی' ? 'ي' : 'ك'));
}

/** Undoes both variations (test helper and checker normalization). */
export function normalizePersian(s: string): string {
  return s
    .replace(/ي/g, 'ی')
    .replace(/ى/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}
