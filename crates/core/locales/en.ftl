# The English catalogue. Every text a customer reads or hears in English: the pages, the
# e-mails and the call. Keys are the same in ja.ftl (a test checks). A theme's locales/en.ftl
# may replace any entry.

## Every page

language-self = English
site-skip-to-content = Skip to the main content
site-language = Language
site-help-heading = Contact us
site-help-desk = If you have questions or cannot complete a procedure here, please call our English help desk.
site-back-to-start = Back to the start page
form-error-summary = There is a problem
form-required = Required
form-show-password = Show
form-hide-password = Hide

## Pages that say one thing

message-forged-title = This form has expired
message-forged-body = For your security, we could not accept this form. Nothing was changed. Please open the page again from this site and send the form once more.
message-too-large-title = The form is too large
message-too-large-body = What was sent is larger than this form accepts. Nothing was changed.
message-busy-title = Too many requests
message-busy-body = We have received too many requests from your network. Nothing was changed. Please try again in { $seconds } seconds.
message-unavailable-title = Service temporarily unavailable
message-unavailable-body = We cannot process your request right now. Nothing was changed. Please try again in a few minutes.
message-not-found-title = Page not found
message-not-found-body = The page you asked for does not exist. Please check the address, or start again from the start page.
message-method-title = This page cannot do that
message-method-body = The page was asked for in a way it does not answer. Nothing was changed. Please open it again from the start page.

## Start page

start-title = Reset your passwords and PINs
start-lead = A reset code lets you open a dedicated page where you reset your passwords and PINs. It is not a replacement for your sign-in password, and it becomes invalid once the reset is complete. Reset codes are issued by automated voice message (telephone) or by Japan Post Simplified Registered Mail.
start-conditions = To use this procedure, all of the following must apply:
start-voice-heading = Reset code by automated voice message (telephone)
start-voice-intro = You can apply online. We call your registered phone number, and the automated voice message tells you your reset code after you key in your cash card PIN.
start-voice-condition-card = You have your cash card in hand.
start-voice-condition-pin = You know your 4-digit cash card PIN.
start-voice-condition-email = You have not changed your registered e-mail address and can receive e-mails from us.
start-voice-condition-phone = You have not changed your registered phone number and can receive calls from us.
start-voice-validity = The code is valid for { $hours } hours from the time of issue. If you enter a wrong code { $max } times, it becomes invalid.
start-voice-apply = Apply for a reset code
start-voice-have-code = I have a reset code from the automated call
start-postal-heading = Reset code by Japan Post Simplified Registered Mail
start-postal-intro = If you cannot apply online for a voice message, our help desk can send you a reset code by Japan Post Simplified Registered Mail to your registered address.
start-postal-condition-name = You have not changed your registered name.
start-postal-condition-address = You can receive Japan Post Simplified Registered Mail at your registered address.
start-postal-how = Please call our English help desk ({ $number }) to apply. The letter arrives in about one week, and its code is valid for { $weeks } weeks from the date of issue.
start-postal-have-code = I have a reset code from a letter
start-postal-letter-help = The letter is in Japanese: read its English translation
start-other-heading = Other procedures
start-initialization-link = Initialize your login password
start-initialization-when = when you forgot your login password and know your login ID. A temporary password is sent to your registered e-mail address.
start-reminder-link = Get your login ID by e-mail
start-reminder-when = when you forgot your login ID.
start-website-note = Depending on your situation, you may not be able to use these procedures on the website. In that case, please contact our English help desk.

## Apply for a voice reset code (P1)

voice-app-title = Request a password reset code
voice-steps-label = Steps of the reset by voice message
voice-step-apply = Apply
voice-step-call = Receive the call
voice-step-set = Set new passwords
voice-app-lead = Enter your login ID and date of birth. We will then call your registered phone number.
voice-app-before-heading = Before you apply, please check that
field-login-id = Login ID
field-login-id-hint = The 9 digits of your login ID.
field-birth-date = Date of birth
field-birth-date-hint = In the Western calendar: for example 1980, 4 and 1 for 1 April 1980.
field-year = Year
field-month = Month
field-day = Day
voice-app-what-next = After you apply, we call your registered phone number. Follow the guidance, key in your 4-digit cash card PIN and press # (hash). The automated voice message tells you your 10-digit reset code, valid for { $hours } hours, and we send you an e-mail with the address of the reset page.
voice-app-submit = Apply
voice-sent-title = We have received your application
voice-sent-body = If the details you entered match our records, we will call your registered phone number shortly.
voice-sent-call = When you answer, follow the guidance: key in your 4-digit cash card PIN and press # (hash). The automated voice message will tell you your 10-digit reset code.
voice-sent-mail = We will also send an e-mail with the address of the "Resetting passwords and PINs (by voice message)" page to your registered e-mail address.
voice-sent-validity = The reset code is valid for { $hours } hours from the time of issue.
voice-sent-no-call = If no call arrives, please check the details and apply again, or call our English help desk.
voice-sent-go-reset = Go to the page where you enter the reset code

## Field errors

error-login-id = Enter your login ID as 9 digits.
error-birth-date = Enter your date of birth as a real date: year in 4 digits, month and day in numbers.
error-name = Enter your name: family name and given name separated by a space.
error-phone-country = Enter the country or region as a code such as JP or +81.
error-phone-number = Enter a phone number that is valid for the country or region, in digits.
error-email = Enter an e-mail address such as taro@example.jp.
error-invalid-code = The login ID or the reset code is not correct, or the code is no longer valid. Please check both and try again. After { $max } wrong entries the code becomes invalid and you need to apply for a new one.
error-session-ended = Your reset session has ended. Nothing was changed. Please enter your login ID and reset code again.
error-confirm-mismatch = The two entries do not match. Enter the same value in both fields.
error-nothing-to-change = Enter at least one new password or PIN. Leave a field blank to keep the current one.

## Reset pages (P3)

reset-title-voice = Resetting passwords and PINs (by voice message)
reset-title-postal = Resetting passwords and PINs (by postal mail)
reset-steps-label = Steps of the reset
reset-step-code = Enter the reset code
reset-step-set = Set new passwords
reset-step-done = Done
reset-code-lead-voice = Enter your login ID and the 10-digit reset code you heard in the automated call.
reset-code-lead-postal = Enter your login ID and the 10-digit reset code written in the letter you received by Japan Post Simplified Registered Mail.
reset-rule-valid-voice = Reset codes are valid for { $hours } hours from the time of issue. If your code has expired, please apply for a new one.
reset-rule-valid-postal = Reset codes by postal mail are valid for { $weeks } weeks from the date of issue; the expiry date is written in the letter. If your code has expired, please call our English help desk to apply for a new one.
reset-rule-postal-only = You can only use this page with a reset code you received by postal mail.
reset-rule-tries = If you enter a wrong reset code { $max } times, the code becomes invalid and you need to apply for a new one.
reset-rule-once = A reset code can be used only once and becomes invalid after you reset your passwords or PINs.
field-reset-code = Reset code
field-reset-code-hint = { $digits } digits. Spaces and hyphens are fine.
reset-code-submit = Next
reset-apply-again = Apply for a new reset code
reset-set-lead = Enter a new value for each password or PIN you want to change. If you do not wish to change one, leave its fields blank.
reset-session-until = Please finish by { $until }. After that, you need to enter the reset code again.
field-new = { $label }: new value
field-new-confirm = { $label }: new value again
reset-rule-pin = { $min } digits. Not one digit repeated, not consecutive digits, not your date of birth.
reset-rule-password = { $min } to { $max } characters. Avoid common passwords and your login ID.
reset-set-submit = Set new passwords and PINs
reset-done-title = Your passwords and PINs have been reset
reset-done-body = The procedure is complete. The new passwords and PINs can be used immediately.
reset-done-changed = What was changed
reset-done-code-used = Your reset code has been used and is no longer valid.
reset-done-mail = We have sent a notice of this change to your registered e-mail address.

## Password policy

policy-too-short = Use at least { $min } characters.
policy-too-long = Use at most { $max } characters.
policy-not-digits = Use digits only.
policy-control-characters = Do not use control characters.
policy-common = This is too common. Choose something harder to guess.
policy-contains-context = Do not use your login ID or the name of the service.
policy-repeated-digits = Do not repeat one digit.
policy-sequential-digits = Do not use consecutive digits such as 1234.
policy-birth-date = Do not use your date of birth.

## Password initialization (P5) and login-ID notification (P6)

init-title = Initialize your login password
init-lead = If you have forgotten your login password, enter the login ID, name, phone number and e-mail address registered in your account and press "Initialize". When the details are confirmed, a temporary password is sent to the e-mail address registered to your account.
init-login-id-hint = The 9 digits of the login ID whose password you forgot. If you have forgotten your login ID, get it by e-mail first.
field-name = Name
field-name-hint = Enter a one-byte or two-byte space between family name and given name, e.g. "KOKU Taro" or "Taro KOKU".
field-phone = Phone number
field-phone-hint = The phone number registered to your account (for a company or organization, that of the person in charge).
field-phone-country = Country/Region
field-phone-country-hint = For example JP or +81.
field-phone-number = Number
field-email = E-mail address
field-email-hint = The e-mail address registered to your account. You cannot register a new e-mail address here.
init-what-next = When the details match, we send a temporary password to your registered e-mail address. It is valid for { $hours } hours; your current password keeps working until you use it.
init-submit = Initialize
identity-precautions = Precautions
identity-precautions-lead = What to enter depends on whether the account you first opened is for an individual or for a company or organization.
identity-individual = Individual
identity-individual-name = In the "Name" field, enter your family name and given name with a space between them.
identity-individual-phone = In the "Phone number" field, enter the phone number without hyphens (-).
identity-individual-email = In the "E-mail address" field, enter the e-mail address registered to the account. You cannot register a new e-mail address.
identity-organization = Company/Organization
identity-organization-name = In the "Name" field, enter the family name and given name of the person in charge with a space between them.
identity-organization-phone = In the "Phone number" field, enter the phone number of the person in charge without hyphens (-).
identity-organization-email = In the "E-mail address" field, enter the e-mail address of the person in charge registered to the account.
init-forgot-login-id = I have forgotten my login ID
init-sent-title = We have received your request
init-sent-body = If the details you entered match an account, we have sent a temporary password to the e-mail address registered to it.
init-sent-validity = The temporary password is valid for { $hours } hours. Sign in with it and change it at once.
init-sent-no-mail = If no e-mail arrives, please check the details and try again, or call our English help desk.
reminder-title = Get your login ID by e-mail
reminder-lead = Enter the name, phone number and e-mail address registered in your account. When the details are confirmed, we send your login ID to the registered e-mail address.
reminder-submit = Send my login ID
reminder-sent-title = We have received your request
reminder-sent-body = If the details you entered match an account, we have sent its login ID to the e-mail address registered to it.
reminder-sent-no-mail = If no e-mail arrives, please check the details and try again, or call our English help desk.
reminder-sent-next = Initialize your login password

## E-mails
## The mails are plain text. $institution is the institution's name, $salutation the line
## mail-salutation gives, $help_number and $help_hours the English help desk's.

mail-salutation = Dear { $given } { $family },
# A lifetime as people say it.
mail-lifetime-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
mail-lifetime-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
# After the voice call spoke a code: where to enter it. $valid is a lifetime, $until the time it ends.
mail-voice-reset-subject = [{ $institution }] Enter your reset code
mail-voice-reset-body =
    { $salutation }

    Please enter the reset code you heard in the automated call on this page:

    { $url }

    The code is valid for { $valid } from the time of issue (until { $until }).
    If you did not apply for a reset code, please call our English help desk at { $help_number }, { $help_hours }.

    { $institution }
# The temporary password ($password) stands alone on its line so that it can be copied.
mail-temporary-password-subject = [{ $institution }] Your temporary password
mail-temporary-password-body =
    { $salutation }

    We received a request to initialize your login password. Your temporary password is:

    { $password }

    Sign in with it and change it at once. It is valid for { $valid } (until { $until }).
    Until you use it, your previous password keeps working.
    If you did not ask for this, ignore this e-mail and call our English help desk at { $help_number }, { $help_hours }.

    { $institution }
# $login_ids are the matching login IDs, one a line; $count how many.
mail-login-id-subject = { $count ->
    [one] [{ $institution }] Your login ID
   *[other] [{ $institution }] Your login IDs
}
mail-login-id-body =
    { $salutation }

    { $count ->
        [one] Your login ID is:
       *[other] Your login IDs are:
    }

    { $login_ids }

    If you did not ask for this, please call our English help desk at { $help_number }, { $help_hours }.

    { $institution }
# After passwords or PINs changed. $labels are the lines mail-changed-item gives, $when the time of the change.
mail-changed-subject = [{ $institution }] Your passwords or PINs were changed
mail-changed-body =
    { $salutation }

    The following were changed at { $when }:

    { $labels }

    If this was not you, please call our English help desk at once: { $help_number }, { $help_hours }.

    { $institution }
mail-changed-item = - { $label }
# After staff applied for a postal reset code. $applied is the day, $until the last day the code works. Never the code.
mail-postal-sent-subject = [{ $institution }] Your reset code is on its way by post
mail-postal-sent-body =
    { $salutation }

    On { $applied }, at your request by telephone, we arranged to send a letter with a reset code to your registered address by Japan Post Simplified Registered Mail (not forwarded).

    The letter arrives in about a week. It must be received at your registered address, by you or someone at that address; it is not forwarded to a new address.
    The reset code works until { $until }. Enter it on the reset page as the letter explains; an English translation of the letter is on our website.
    If nobody is at home, the carrier leaves an Undeliverable Item Notice: ask for re-delivery or pick the letter up at the post office within the 7 days it is kept.

    If this was not you, please call our English help desk at once: { $help_number }, { $help_hours }.

    { $institution }
# When the letter came back. $why is one of mail-postal-returned-reason-*. Never the code.
mail-postal-returned-subject = [{ $institution }] Your reset code letter came back to us
mail-postal-returned-body =
    { $salutation }

    The letter with your reset code came back to us { $why }.
    We have cancelled its reset code; it no longer works.

    To apply again, please call our English help desk: { $help_number }, { $help_hours }.

    { $institution }
mail-postal-returned-reason-storage_expired = because nobody collected it from the post office within the time it is kept
mail-postal-returned-reason-addressee_unknown = because the addressee could not be found at the address
mail-postal-returned-reason-moved = because the addressee has moved and left no forwarding address
mail-postal-returned-reason-refused = because it was refused at the door
mail-postal-returned-reason-other = undelivered
# When the help desk voided the reset code at the customer's request. $when is the time.
mail-code-voided-subject = [{ $institution }] Your reset code was cancelled
mail-code-voided-body =
    { $salutation }

    At { $when }, at your request, we cancelled your reset code. It no longer works.

    If this was not you, please call our English help desk at once: { $help_number }, { $help_hours }.

    { $institution }
# When the help desk unlocked a credential. $label is its name.
mail-unlocked-subject = [{ $institution }] Your { $label } was unlocked
mail-unlocked-body =
    { $salutation }

    At { $when }, our help desk unlocked your { $label }.

    If this was not you, please call our English help desk at once: { $help_number }, { $help_hours }.

    { $institution }

## The call
## Spoken sentences. $help_number is the English help desk's number as it is spoken (digit by
## digit), $help_hours its hours.

call-greeting = This is { $institution }. We received your application for a reset code.
call-ask-pin = Please enter the 4-digit PIN of your cash card, followed by the hash key.
call-no-input = We did not receive any input.
call-wrong-pin = The PIN is not correct. You have { $tries ->
    [one] { $tries } more try
   *[other] { $tries } more tries
}.
call-out-of-tries = The PIN is not correct. Please contact our English help desk at { $help_number }.
call-locked = Your PIN is locked, so we cannot continue. Please contact our English help desk at { $help_number }.
# Between the groups of digits of a phone number, as a pause.
call-digit-group-separator = { ", " }
# Said before and after the code's digits.
call-code-before = Your reset code is
call-code-after = We have sent the address of the reset page to your e-mail.
call-offer-repeat = To hear the code again, press 1.
call-goodbye = Thank you. Goodbye.
call-unavailable = This call cannot continue.

## The English translation of the postal letter (/help/postal-letter)
## $weeks is how long a postal code lives, $digits its length, $max the wrong entries it takes, $number the help desk's number.

help-postal-letter-title = The reset code letter in English
help-postal-letter-lead = When you apply for a reset code by postal mail, we send it to you in a letter by Japan Post Simplified Registered Mail. The letter is written in Japanese only. This page explains how it arrives and gives its English translation.
help-postal-letter-arrival-heading = How the letter arrives
help-postal-letter-arrival-week = The letter arrives about one week after you apply.
help-postal-letter-arrival-registered = It comes by Japan Post Simplified Registered Mail (簡易書留, kan'i kakitome): the carrier hands it over against a seal or a signature, so someone needs to be at home to receive it.
help-postal-letter-arrival-address = It can only be received at the address registered with us. It is marked "Do not forward" (転送不要): if you have moved, Japan Post does not forward it to your new address but returns it to us, even if you told Japan Post about your move.
help-postal-letter-absent-heading = If you are not at home
help-postal-letter-absent-notice = Japan Post leaves an Undeliverable Item Notice (ご不在連絡票) in your mailbox. Within 7 days, please request re-delivery or pick the letter up at the post office named on the notice. For how to schedule a re-delivery, please see the Japan Post website.
help-postal-letter-absent-returned = If the letter is not received within that time, it is returned to us and the reset code in it stops working. Please call our English help desk ({ $number }) to apply for a new one.
help-postal-letter-parts-heading = What the letter says
help-postal-letter-parts-lead = Each part of the letter in English, with the Japanese as it is printed.
help-postal-letter-marks-heading = Beside your address
help-postal-letter-mark-confidential = To be opened by the addressee only.
help-postal-letter-mark-no-forwarding = Not forwarded to a new address: returned to us instead.
help-postal-letter-mark-registered = The kind of mail: handed over against a seal or signature. (It may be printed on the envelope instead.)
help-postal-letter-top-heading = Top right
help-postal-letter-issued = The date we issued the code. The code is valid for { $weeks } weeks from this date.
help-postal-letter-reference = Our reference for this letter. Please tell it to the help desk if you call about the letter.
help-postal-letter-sender = Below them are our name and the number and hours of our Japanese help desk. For help in English, please call our English help desk ({ $number }) instead.
help-postal-letter-body-heading = The text of the letter
help-postal-letter-printed-date = the date printed in the letter
help-postal-letter-items-heading = The particulars
help-postal-letter-item-code = The { $digits } digits in the box, printed in groups of four. Spaces do not matter when you type them.
help-postal-letter-item-expiry = The code works until the end of this day, Japan time.
help-postal-letter-item-page = The address of the page where you enter the code.
help-postal-letter-closing = Marks the end of the particulars.
help-postal-letter-notes-heading = The notes
help-postal-letter-use-heading = Entering the code
help-postal-letter-use-where = Go to the page "Resetting passwords and PINs (by postal mail)" and enter your login ID and the { $digits }-digit reset code. Then set your new passwords and PINs.
help-postal-letter-use-valid = The code is valid for { $weeks } weeks from the date of issue, until the expiry date printed in the letter. It can be used only once. If you enter a wrong code { $max } times, it becomes invalid.
help-postal-letter-use-expired = If the code has expired, please call our English help desk to apply for a new one.
help-postal-letter-use-link = Enter your reset code

## The postal letter (P4: the reset code by Simplified Registered Mail)
## The letter is always printed in Japanese (its English translation is the page /help/postal-letter);
## these are the English counterparts of ja.ftl's entries. $institution is the institution's name,
## $help_number and $help_hours the Japanese help desk's, $until the expiry date, $digits the code's
## length, $reset_url the page to enter it, $help_url the translation's page, $postal_code the postal
## code, $date the date of issue.

letter-postal-postal-code = 〒{ $postal_code }
# A person is named with 様; an organization on its own line, then the person in charge with 様.
letter-postal-name = { $given } { $family }
letter-postal-mark-confidential = Confidential
letter-postal-mark-no-forwarding = Do not forward
letter-postal-mark-registered = Simplified Registered Mail
letter-postal-reference-label = Reference
letter-postal-reference = { letter-postal-reference-label }: { $reference }
letter-postal-issued-label = Date of issue
letter-postal-issued-on = { letter-postal-issued-label }: { $date }
letter-postal-sender = { $institution }
letter-postal-sender-desk = Help desk { $help_number }
letter-postal-sender-hours = Hours: { $help_hours }
letter-postal-subject = Notice of your reset code
letter-postal-opening = Thank you for choosing { $institution }.
letter-postal-body-purpose = Here is the reset code you applied for, with which you reset your passwords and PINs.
letter-postal-body-how = On the page given below, enter your login ID and this reset code, then set your new passwords and PINs. The reset code is valid until { $until }.
letter-postal-items-heading = Particulars
letter-postal-item-code = Reset code ({ $digits } digits)
letter-postal-item-expiry = Expiry date
letter-postal-item-expiry-value = until { $until }
letter-postal-item-page = Page to enter it
letter-postal-note-once = * The reset code can be used only once. It becomes invalid when the reset is complete.
letter-postal-note-expired = * A reset code past its expiry date cannot be used. In that case, please apply again through the help desk.
letter-postal-note-secret = * Do not tell anyone your reset code. We will never ask you for it by phone or e-mail.
letter-postal-note-not-you = * If you did not apply for this, please call the help desk ({ $help_number }, { $help_hours }).
letter-postal-note-english = * English translation of this letter: { $help_url }
letter-postal-qr-caption = Page to enter it
letter-postal-closing = End

## Counter cases' vocabulary (P8b: a My Number card's PINs changed or reset at the municipal counter)
## Used by the staff console and the counter's inquiry letter and receipt. A key ends with the API's
## name (_ written -).
counter-case-type-in-person = In person
counter-case-type-legal-representative = Legal representative
counter-case-type-proxy = Proxy
counter-ground-under-15 = under 15
counter-ground-adult-ward = adult ward
counter-pin-sign = Signature certificate PIN
counter-pin-auth = User authentication certificate PIN
counter-pin-juki = Resident registry PIN
counter-pin-text = Text input support PIN
counter-operation-change = change
counter-operation-reset = reset
counter-item-card = The holder's My Number card
counter-item-representative-photo-id = The legal representative's photo ID (such as a driver's licence)
counter-item-family-register-certificate = Family register certificate (all matters)
counter-item-guardianship-certificate = Certificate of registration of adult guardianship
counter-item-proxy-id = The proxy's ID (no photo needed)
counter-item-proxy-photo-id = The proxy's photo ID (such as a driver's licence)
counter-item-response-form = The inquiry letter with its response filled in by the holder
counter-item-power-of-attorney = The power of attorney (on the inquiry letter, filled in by the holder)
counter-item-sealed-pin-request = The PIN request form (filled in by the holder and sealed)

## The counter's inquiry letter with its response (P8b: mailed to the holder's address when a proxy applies)
## The letter is always printed in Japanese; these are the English counterparts of ja.ftl's entries.
## $office is the counter (municipality and division), $office_phone and $office_hours its number and
## hours, $date the date of the application (the letter's date of issue), $reply_by the last day the
## proxy may come, $reference the case reference, $pins the PINs concerned, $operation the operation
## (counter-operation-*), $postal_code the postal code, $family and $given the holder's name. The check
## code is printed alone among the particulars, never in a sentence.
letter-inquiry-postal-code = 〒{ $postal_code }
letter-inquiry-name = { $given } { $family }
letter-inquiry-mark-confidential = Confidential
letter-inquiry-mark-no-forwarding = Do not forward
letter-inquiry-reference = Case reference: { $reference }
letter-inquiry-issued-on = Date of issue: { $date }
letter-inquiry-sender = { $office }
letter-inquiry-sender-phone = Telephone { $office_phone }
letter-inquiry-sender-hours = Hours: { $office_hours }
letter-inquiry-subject = Inquiry and response (PIN { $operation })
letter-inquiry-body-applied = On { $date }, an application was made at the counter of { $office }, by someone acting as your proxy, for the { $operation } of the PINs of your My Number card given below. We send you this letter to confirm that you asked for it.
letter-inquiry-body-if-yes = If you asked them to, fill in the response and the power of attorney in this letter and give the whole letter to your proxy. Your proxy brings it, their own photo ID and your My Number card to the counter on a day after the application, by { $reply_by }.
letter-inquiry-body-if-not = If you did not ask anyone to, give this letter to no one and call { $office } at once ({ $office_phone }, { $office_hours }).
letter-inquiry-items-heading = Particulars
letter-inquiry-item-reference = Case reference
letter-inquiry-item-check-code = Check code
letter-inquiry-item-pins = PINs concerned
letter-inquiry-item-operation = Procedure
letter-inquiry-item-operation-value = PIN { $operation }
letter-inquiry-item-reply-by = Come by
letter-inquiry-item-reply-by-value = { $reply_by } (during opening hours)
letter-inquiry-note-check-code = * The counter checks the check code when your proxy comes. Tell it to no one; only give this letter to your proxy.
letter-inquiry-note-deadline = * If your proxy does not come by the date above, the application is cancelled.
letter-inquiry-note-never-asked = * We will never ask you for a PIN by phone or e-mail.
letter-inquiry-closing = End
letter-inquiry-field-reference = Case reference
letter-inquiry-field-date = Date
letter-inquiry-field-date-guide = (year, month, day)
letter-inquiry-field-signature-guide = (signature, or name and seal)
letter-inquiry-response-title = Response
letter-inquiry-response-to = To: { $office }
letter-inquiry-response-statement = I answer the inquiry of this letter as follows.
letter-inquiry-response-choice = Answer (tick one)
letter-inquiry-response-choice-yes = I asked the proxy to make this application.
letter-inquiry-response-choice-no = I did not ask anyone to make this application.
letter-inquiry-response-holder-address = Your address
letter-inquiry-response-holder-name = Your name
letter-inquiry-response-holder-phone = Daytime telephone
letter-inquiry-response-note-pin = * Do not write your new PIN on the response or the power of attorney. Write it on the enclosed PIN request form, seal it in the enclosed envelope and give it to your proxy. It is opened at the counter and used only to set the PIN.
letter-inquiry-response-note-not-you = * If you ticked "I did not ask", do not give this letter to anyone; call { $office } ({ $office_phone }).
letter-inquiry-poa-title = Power of attorney
letter-inquiry-poa-to = To: { $office }
letter-inquiry-poa-statement = I appoint the person below as my proxy and delegate to them the matter below.
letter-inquiry-poa-proxy-address = Proxy's address
letter-inquiry-poa-proxy-name = Proxy's name
letter-inquiry-poa-proxy-birth-date = Proxy's date of birth
letter-inquiry-poa-matter = Matter delegated
letter-inquiry-poa-matter-value = The { $operation } of the PINs ({ $pins }) of my My Number card, case { $reference }
letter-inquiry-poa-holder-name = Your name (the holder)
letter-inquiry-poa-note = * The holder fills in the power of attorney, in a pen that cannot be erased.

## The counter's receipt (P8b: handed to the applicant; it never carries the check code)
## Always printed in Japanese; these are the English counterparts of ja.ftl's entries. $office,
## $office_phone, $office_hours, $reference, $pins and $operation as in the inquiry letter; $date the
## date of the application, $type the case type (counter-case-type-*), $ground a legal
## representative's ground (counter-ground-*), $first and $last the days of the next visit (from the
## day after the application to the case's end), $item a thing to bring (counter-item-*), $family and
## $given the card holder's name.
letter-receipt-reference = Case reference: { $reference }
letter-receipt-issued-on = Received: { $date }
letter-receipt-sender = { $office }
letter-receipt-sender-phone = Telephone { $office_phone }
letter-receipt-sender-hours = Hours: { $office_hours }
letter-receipt-subject = Receipt
letter-receipt-body = We have received the application for the { $operation } of My Number card PINs below.
letter-receipt-body-next = The procedure is not completed today. Please come to the counter again on one of the days below, with the things listed below.
letter-receipt-items-heading = Particulars
letter-receipt-item-reference = Case reference
letter-receipt-item-type = Applicant
letter-receipt-item-type-with-ground = { $type } ({ $ground })
letter-receipt-item-holder = Card holder
letter-receipt-item-holder-value = { $given } { $family }
letter-receipt-item-pins = PINs concerned
letter-receipt-item-operation = Procedure
letter-receipt-item-operation-value = PIN { $operation }
letter-receipt-item-next-visit = Next visit
letter-receipt-item-next-visit-value = from { $first }
    to { $last } (during opening hours)
letter-receipt-item-bring = What to bring
letter-receipt-bring-line = - { $item }
letter-receipt-note-inquiry = * We mail an inquiry letter (do not forward) to the holder's address. If it comes back undelivered, the application is cancelled.
letter-receipt-note-originals = * The office keeps the original of the inquiry letter (the response and the power of attorney).
letter-receipt-note-deadline = * After the last day the application is cancelled; you may apply again.
letter-receipt-note-ask = * When you contact us, please give the case reference.
letter-receipt-closing = End

## Demo

demo-phone-title = Demo phone
demo-phone-lead = This is the demo customers' phone. When reissue calls a customer, the call rings here: answer it, read what the automated voice says and key in on the keypad as you would on a handset.
demo-phone-no-calls = No call yet. Apply for a reset code from the start page, and the call rings here in a moment.
demo-phone-call-to = Call to { $number }
demo-phone-from = From { $number }, { $time }
demo-phone-status = { $status ->
    [queued] Dialling
    [initiated] Dialling
    [ringing] Ringing
    [in-progress] In a call
    [completed] Ended
    [busy] Busy
    [no-answer] Not answered
    [failed] Could not connect
   *[other] { $status }
}
demo-phone-answer = Answer
demo-phone-hang-up = Hang up
demo-phone-transcript = What the automated voice says
demo-phone-digits = Digits read out: { $digits }
demo-phone-keypad = Keypad
demo-phone-key-star = star (*)
demo-phone-key-hash = hash (#)
demo-phone-pressed = Keys pressed so far: { $keys }
demo-phone-keys-field = Several keys at once
demo-phone-keys-hint = For example 7351# (the keys 0 to 9, * and #).
demo-phone-send-keys = Press these keys
demo-phone-problem = That could not be done
demo-phone-not-ringing = This call is no longer ringing.
demo-phone-not-listening = The automated voice is not waiting for keys just now.
demo-phone-not-in-call = This call is not in progress.
demo-phone-bad-keys = Only the keys 0 to 9, * and # can be pressed.
demo-phone-link = Open the demo phone
demo-mailbox-link = Open the demo mailbox
demo-mailbox-title = Demo mailbox
demo-mailbox-lead = Every e-mail reissue sends in the demo arrives here instead of leaving this computer.
demo-mailbox-empty = No e-mail yet.
demo-mailbox-to = To
demo-mailbox-received = Received

## The staff console (/staff/): read by staff only.
staff-console = Staff console
staff-nav-label = Console
staff-nav-accounts = Accounts
staff-nav-approvals = Approvals
staff-nav-batches = Postal batches
staff-nav-members = Staff members
staff-signed-in-as = { $name } ({ $role })
staff-sign-out = Sign out
staff-sign-out-everywhere = Sign out everywhere
staff-back-to-console = Back to the console
staff-role-helpdesk = Help desk
staff-role-postal-operator = Postal operator
staff-role-counter = Counter
staff-role-auditor = Auditor
staff-role-admin = Administrator
staff-sign-in-title = Staff sign-in
staff-sign-in-lead = Sign in with your staff login, your password and the 6-digit code of your authenticator app.
staff-field-login = Staff login
staff-field-login-hint = 3 to 64 of a-z, 0-9, dot, underscore and hyphen.
staff-field-password = Password
staff-field-totp = Authenticator code
staff-field-totp-hint = The 6 digits your authenticator app shows now.
staff-sign-in-submit = Sign in
staff-error-sign-in = The login, password or code is not right.
staff-error-sign-in-locked = Sign-in is locked after too many failures. Ask an administrator to reset it.
staff-error-busy = Too many sign-ins are being checked at once. Try again in a moment.
staff-notice-session-ended = Your session ended. Sign in again.
staff-notice-signed-out = You are signed out.
staff-password-title = Set a new password
staff-password-first = Your initial password must be replaced before you can use the console.
staff-password-rule = At least { $min } characters; not a common password and not your login.
staff-field-current-password = Current password
staff-field-new-password = New password
staff-field-new-password-confirm = New password again
staff-password-submit = Set the new password
staff-error-same-password = The new password must differ from the current one.
staff-error-current-password = The current password is not right.
staff-error-locked = Locked after too many failures. Ask an administrator to reset it.
staff-forbidden-title = Not allowed
staff-forbidden-body = Your role may not do this. Ask an administrator if you need it.
staff-bad-request-title = Not found
staff-bad-request-body = There is nothing like that here.
staff-search-title = Find an account
staff-search-or = Or any of name (family and given), phone, name in kana and birth date:
staff-field-family-name = Family name
staff-field-given-name = Given name
staff-field-phone = Phone number
staff-field-name-kana = Name in kana
staff-field-birth-date = Birth date
staff-field-birth-date-hint = YYYY-MM-DD
staff-search-submit = Search
staff-search-results =
    { $count ->
        [one] One account found
       *[other] { $count } accounts found
    }
staff-col-name = Name
staff-col-kind = Kind
staff-col-status = Status
staff-kind-individual = Individual
staff-kind-organization = Organization
staff-status-active = Active
staff-status-suspended = Suspended
staff-channels-title = Channels
staff-channels-lead = Pausing a channel closes it for every customer until it is resumed.
staff-channel-voice = Voice reset code
staff-channel-postal = Postal reset code
staff-channel-initialization = Password initialization
staff-channel-reminder = Login ID notification
staff-channel-pause = Pause
staff-channel-resume = Resume
staff-field-reason = Reason
staff-account-title = Account { $login_id }
staff-account-not-found-title = No such account
staff-account-not-found-body = No account has that login ID.
staff-account-holder = Holder
staff-organization = Organization
staff-language = Language
staff-address = Address
staff-none = None
staff-changed-on = changed { $date }
staff-contact-email = E-mail
staff-contact-phone = Phone
staff-reveal-reason = Reason to show it
staff-reveal = Show in full
staff-eligibility = Eligibility
staff-eligibility-voice = Voice reset code
staff-eligibility-postal = Postal reset code
staff-eligible = Eligible
staff-standing = Holds
staff-no-holds = No holds, and the address is deliverable.
staff-hold-fraud = Fraud hold
staff-hold-review = Review (a letter was refused)
staff-undeliverable = Address undeliverable: { $reason } (since { $since })
staff-credentials = Credentials
staff-credential = Credential
staff-failures = Failures
staff-locked = Locked
staff-unlocked = Not locked
staff-must-change = must be changed
staff-active-code = Active reset code
staff-active-code-line = { $channel } code issued { $issued }, works until { $expires }; { $wrong } of { $max } wrong entries.
staff-no-active-code = No active code.
staff-code-channel-voice = Voice
staff-code-channel-postal = Postal
staff-letters = Letters
staff-reference = Reference
staff-tracking = Item number
staff-applied = Applied
staff-expires = Code works until
staff-letter-queued = Waiting for the batch
staff-letter-in-batch = In a closed batch
staff-letter-exported = Sent to the vendor
staff-letter-accepted = Posted
staff-letter-returned = Returned
staff-letter-withdrawn = Withdrawn
staff-letter-used = Used
staff-letter-expired = Expired
staff-letter-code-voided = Code voided
staff-calls = Calls
staff-provider-status = Provider status
staff-created = Created
staff-updated = Updated
staff-call-queued = Queued
staff-call-initiated = Dialling
staff-call-ringing = Ringing
staff-call-in-progress = In progress
staff-call-completed = Completed
staff-call-busy = Busy
staff-call-failed = Failed
staff-call-no-answer = No answer
staff-call-canceled = Canceled
staff-deliveries = E-mails, calls and webhooks
staff-delivery-kind = Kind
staff-delivery-kind-email = E-mail
staff-delivery-kind-place-call = Call
staff-delivery-kind-webhook = Webhook
staff-delivery-pending = Pending
staff-delivery-done = Delivered
staff-delivery-failed = Failed
staff-subject = Subject
staff-done = Done
staff-actions = Actions
staff-actions-lead = Each action needs a reason; it is recorded with your name, and the customer is told by e-mail where they should know.
staff-field-fresh-totp = Authenticator code (new)
staff-field-fresh-totp-hint = A sensitive action asks for a code newer than the one you signed in with.
staff-action-postal-application = Postal reset code application
staff-action-void-code = Void the active code
staff-action-unlock = Unlock
staff-action-unlock-credential = Unlock { $credential }
staff-action-fraud-hold = Put on a fraud hold
staff-action-lift-fraud-hold = Lift the fraud hold
staff-action-clear-review = Clear the review
staff-action-suspend = Suspend the account
staff-action-resume = Resume the account
staff-action-pause-channel = Pause a channel
staff-action-resume-channel = Resume a channel
staff-notice-done = Done: { $action }.
staff-notice-pending = Request { $id } waits for approval by a second staff member.
staff-history = History
staff-when = When
staff-who = Who
staff-what = What
staff-outcome = Outcome
staff-reason-account-suspended = The account is suspended.
staff-reason-fraud-hold = The account is on a fraud hold since { $since }.
staff-reason-no-address = No postal address is registered.
staff-reason-address-undeliverable = A letter to this address came back ({ $reason }, { $since }); it holds until the address changes.
staff-reason-name-changed-recently = The registered name changed on { $on }; a postal code is possible from { $from }.
staff-reason-address-changed-recently = The address changed on { $on }; a postal code is possible from { $from }.
staff-reason-channel-paused = Postal codes are paused for everyone.
staff-reason-voice-card-pin-locked = The cash-card PIN is locked.
staff-reason-voice-channel-paused = Voice codes are paused for everyone.
staff-reason-voice-fraud-hold = The account is on a fraud hold.
staff-reason-voice-no-card-pin = The account has no cash-card PIN.
staff-reason-voice-no-contact = No phone number is registered.
staff-reason-voice-no-email = No e-mail address is registered.
staff-reason-voice-recent-change = A contact changed recently.
staff-reason-voice-status = The account is not active.
staff-return-storage-expired = not collected within the storage period
staff-return-addressee-unknown = addressee unknown
staff-return-moved = moved
staff-return-refused = refused
staff-return-other = other
staff-postal-title = Apply for a postal reset code
staff-postal-to = Sent to the registered address
staff-postal-lead = The letter goes by Simplified Registered Mail to the registered address and is not forwarded. The code works for { $weeks } weeks from the day of issue.
staff-postal-checks = What you checked of the caller's identity
staff-check-name = Registered name
staff-check-birth-date = Birth date
staff-check-address = Registered address
staff-check-phone = Registered phone number
staff-check-account-details = Account details only the customer knows
staff-postal-submit = Apply
staff-postal-apply = Apply for a postal reset code
staff-postal-not-eligible = This account cannot get a postal reset code now:
staff-back-to-account = Back to account { $login_id }
staff-applied-title = The letter is on its way
staff-applied-say = Tell the caller: the letter arrives in about a week, around { $arrives }, at the registered address, by Simplified Registered Mail. It is not forwarded.
staff-applied-arrives = Arrives about
staff-applied-undeliverable = If nobody is at home, the carrier leaves an Undeliverable Item Notice: the customer can ask for re-delivery or pick the letter up within the 7 days it is kept.
staff-approvals-title = Actions waiting for approval
staff-approvals-none = Nothing waits for approval.
staff-approval-line = Asked by { $who } on { $when }: { $reason }
staff-approval-own = You asked for this; someone else must approve it.
staff-approval-pending = Waiting
staff-approval-approved = Approved
staff-approval-rejected = Rejected
staff-approval-failed = Failed
staff-approve = Approve
staff-reject = Reject
staff-notice-approved = Approved and done.
staff-notice-rejected = Rejected.
staff-batches-title = Postal batches
staff-batches-open = Open batch
staff-batches-queued =
    { $letters ->
        [one] One letter waits.
       *[other] { $letters } letters wait.
    }
staff-batches-oldest = The oldest since { $when }
staff-batches-age = { $hours } hours
staff-batches-warning = A letter has waited more than { $hours } hours: every day in the batch is a day less of the customer's three weeks. Close and export the batch.
staff-batches-close = Close the batch
staff-batches-list = Batches
staff-batch = Batch
staff-batch-closed = Closed
staff-batch-exported = Exported
staff-batch-closed-by = Closed by
staff-batch-exported-by = Exported by
staff-batch-export = Export
staff-batch-download = Download (.tar)
staff-protection-encrypted = encrypted to the vendor
staff-protection-clear = in clear (demo)
staff-notice-batch-closed =
    { $letters ->
        [one] The batch is closed with one letter.
       *[other] The batch is closed with { $letters } letters.
    }
staff-notice-batch-empty = No letter waits: nothing to close.
staff-notice-imported =
    { $letters ->
        [one] One letter recorded.
       *[other] { $letters } letters recorded.
    }
staff-error-no-font = Letters cannot be rendered: no Japanese font is installed.
staff-error-no-vendor-key = No vendor key is configured (postal.vendor_age_recipient); only the demo exports in clear.
staff-error-own-letters = You applied for letters { $letters }; someone else must export this batch.
staff-error-already-exported = This batch was already exported; its codes no longer exist.
staff-error-unknown-batch = There is no such batch.
staff-import-title = The vendor's files
staff-import-kind = Which file
staff-import-tracking = Result file (item numbers)
staff-import-returns = Returns file
staff-import-file = CSV file
staff-import-preview-submit = Check the file
staff-import-preview = { $kind }: { $recorded } letters would be recorded, { $unchanged } are unchanged. Nothing is recorded until you confirm.
staff-import-confirm = Confirm and import
staff-import-bad-line = Line { $line }: { $problem }
staff-error-no-file = Choose a file.
staff-error-file-refused = The file was not taken; nothing was recorded. Every problem is listed.
staff-error-file-changed = A letter changed while the file was imported; nothing was recorded. Import it again.
staff-members-title = Staff members
staff-role = Role
staff-last-sign-in = Last sign-in
staff-member-active = Active
staff-member-disabled = Disabled
staff-member-disable = Disable
staff-member-reset = Reset password and code
staff-notice-member-disabled = The staff member is disabled and signed out everywhere.
staff-enrol-title = Enrol a staff member
staff-field-display-name = Name
staff-enrol-submit = Enrol
staff-error-role = Choose a role.
staff-error-staff-login = A staff login is 3 to 64 of a-z, 0-9, dot, underscore and hyphen.
staff-error-login-taken = A staff member with this login exists already.
staff-error-staff-name = Give a name of 1 to 100 characters.
staff-enrolment-title = Enrolment of { $login }
staff-enrolment-once = This is shown once. Give the initial password to the member in person; they scan the QR code with their authenticator app and replace the password at the first sign-in.
staff-initial-password = Initial password
staff-otpauth-uri = Authenticator URI
staff-qr-label = QR code of the authenticator URI
staff-qr-caption = Scan with the authenticator app.
staff-back-to-members = Back to staff members
staff-error-unknown-account = No account has that login ID.
staff-error-reason = Say why (at most 500 characters).
staff-error-identity-checks = Say what you checked of the caller's identity.
staff-error-login-id = A login ID is 9 digits.
staff-error-name = Give both the family and the given name.
staff-error-phone = This is not a phone number.
staff-error-name-kana = Write the name in katakana.
staff-error-birth-date = Write the birth date as YYYY-MM-DD.
staff-error-search = Give a login ID, or any of name, phone, name in kana and birth date.
staff-error-credential = The account has no such credential.
staff-error-invalid = Something in the form is not right.
staff-error-nothing-to-do = This would change nothing.
staff-error-own-action = You asked for this action; someone else must approve it.
staff-error-already-decided = This was already decided.
staff-error-totp = The code is not right, or not newer than the last one you used. Wait for the next code.

## The counter's cases in the staff console (/staff/counter, P8b): read by counter staff only.
## No entry ever carries a check code or a PIN; a case token is shown once, on the page that issued it.
staff-nav-counter = Counter cases
staff-counter-title = Counter cases
staff-counter-open = Open a case
staff-counter-open-cases = Open cases, oldest first
staff-counter-no-cases = No case is open.
staff-counter-reference = Case
staff-counter-holder = Card holder
staff-counter-case-type = Who applies
staff-counter-opened = Opened
staff-counter-last-day = Last day
staff-counter-closed = Closed
staff-counter-back-to-list = Back to the counter cases
staff-counter-list-separator = {", "}
staff-counter-type-with-ground = { $type } ({ $ground })
staff-counter-open-title = Open a counter case
staff-counter-login-id-hint = The card holder's login ID, as on the help desk's search.
staff-counter-ground = Ground (legal representative only)
staff-counter-ground-hint = Why a legal representative may act: the holder is under 15 (from the birth date on file) or an adult ward.
staff-counter-no-ground = None (in person or proxy)
staff-counter-pins = PINs
staff-counter-pins-done = PINs done
staff-counter-operation = Change or reset
staff-counter-operation-change = Change (the holder knows the current PIN)
staff-counter-operation-reset = Reset (the PIN is locked or forgotten)
staff-counter-brought = What was brought, recorded as the case opens
staff-counter-brought-hint = A proxy's case needs both now: the holder's card and the proxy's ID. For the holder in person or a legal representative, the rest is recorded on the case page.
staff-counter-card-seen = { $item }: seen
staff-counter-proxy-document = The proxy's ID (proxy only)
staff-counter-proxy-document-hint = { $item }: which document was seen.
staff-counter-choose-document = Choose the document
staff-counter-number-last4 = Last 4 characters of its number (optional)
staff-counter-number-last4-hint = At most the last four letters or digits. Never any part of a My Number.
staff-counter-open-submit = Open the case
staff-counter-case-title = Counter case { $reference }
staff-counter-case = The case
staff-counter-receipt = Receipt (PDF) for the applicant
staff-counter-checklist = What the { $visit } still needs
staff-counter-visit-first = first visit
staff-counter-visit-second = second visit
staff-counter-item-done = Recorded:
staff-counter-item-todo = Still needed:
staff-counter-seen = seen
staff-counter-collected = original collected
staff-counter-number-ends = number ends { $last4 }
staff-counter-document = Document seen
staff-counter-document-photo-hint = Only a document with a face photo, issued by a public office.
staff-counter-exemption = Not needed because (optional)
staff-counter-certificate-seen = The certificate was seen
staff-counter-collected-check = The original was collected (the office keeps it)
staff-counter-record = Record
staff-counter-pin-step = PIN step
staff-counter-pin-step-waits = The PIN step is refused until everything above is recorded. Still missing:
staff-counter-terminal = Done on the national terminal
staff-counter-terminal-hint = The holder keyed the PINs on the terminal's pad; record which PINs and how it went.
staff-counter-terminal-pins = PINs done on the terminal
staff-counter-outcome = Outcome
staff-counter-outcome-success = Succeeded
staff-counter-outcome-failure = Failed
staff-counter-terminal-submit = Record the PIN step
staff-counter-token = Or with reissue card at the counter workstation
staff-counter-token-hint = Issues a one-time case token for one PIN, valid 15 minutes; it is shown once.
staff-counter-token-pin = PIN
staff-counter-token-submit = Issue a case token
staff-counter-token-title = Case token for the { $pin }
staff-counter-token-once = Shown only now: type it at the counter workstation. It works once, until { $expires }.
staff-counter-token-command = At the counter workstation, run:
staff-counter-tokens = Case tokens
staff-counter-token-issued = Issued
staff-counter-token-expires = Valid until
staff-counter-token-claimed = Used by reissue card
staff-counter-tries-left = Tries left on the card
staff-counter-inquiry = Inquiry letter and second visit
staff-counter-print-inquiry = Print the inquiry letter (PDF)
staff-counter-mailed-hint = Once the letter is in the post, mark it mailed: the check code then exists only on the letter.
staff-counter-mailed = Mark the letter mailed
staff-counter-mailed-on = Mailed: { $when }
staff-counter-second-visit = Second visit
staff-counter-check-code = Check code from the inquiry letter
staff-counter-check-code-hint = The 8 digits printed on the letter the proxy brings. { $left ->
        [one] One try left.
       *[other] { $left } tries left.
    }
staff-counter-second-visit-submit = Check the code
staff-counter-returned = The letter came back
staff-counter-returned-reason = Why it came back
staff-counter-returned-submit = Record the return (closes the case)
staff-counter-cancel = Close the case
staff-counter-cancel-submit = Close the case
staff-counter-not-found-title = No such case
staff-counter-not-found-body = There is no counter case with this reference.
staff-counter-done-opened = The case is open.
staff-counter-done-item = Recorded.
staff-counter-done-checklist-done = Recorded. Everything this visit needs is recorded.
staff-counter-done-pin-step = The PIN step is recorded.
staff-counter-done-pin-failure = The failure is recorded; the PIN step can be done again.
staff-counter-done-mailed = The letter is marked mailed. The case waits for the proxy's second visit.
staff-counter-done-returned = The return is recorded; the case is closed.
staff-counter-done-second-visit = The check code is right: record what the second visit brought.
staff-counter-done-cancelled = The case is closed.
staff-counter-error-invalid = This value is not one of the choices.
staff-counter-error-login-id = Enter the holder's login ID (digits).
staff-counter-error-case-type = Choose who applies.
staff-counter-error-ground = For a legal representative, choose the ground; for the holder in person or a proxy, leave it at none.
staff-counter-error-pins = Choose at least one PIN of this case that is not done yet.
staff-counter-error-operation = Choose change or reset.
staff-counter-error-item = This item is not asked for at this visit.
staff-counter-error-document = Choose the identity document that was seen; for this item it must have a face photo issued by a public office.
staff-counter-error-number-last4 = At most the last four letters or digits of the number, and never any part of a My Number.
staff-counter-error-exemption = An exemption is only for the family register certificate of a holder under 15.
staff-counter-error-collected = The office keeps the original of this item: collect it and tick the box.
staff-counter-error-reason = Say why (at most 500 characters; 200 for a returned letter).
staff-counter-error-check-code = The check code is the 8 digits printed on the letter.
staff-counter-error-outcome = Choose how the PIN step went.
staff-counter-error-pin = Choose the PIN.
staff-counter-error-changed = The case changed meanwhile; nothing was recorded. Look at it again.
staff-counter-refusal-not-under-15 = The holder is { $age }: "under 15" is only for a holder under 15.
staff-counter-refusal-not-adult = The holder is { $age }: an adult ward is 18 or older.
staff-counter-refusal-no-birth-date = No birth date is on file, so the holder's age cannot be checked.
staff-counter-refusal-no-signature-certificate = A holder under 15 or an adult ward has no signature certificate: leave out the signature certificate PIN.
staff-counter-refusal-no-address = The holder has no registered address for the inquiry letter.
staff-counter-refusal-not-individual = This account is not an individual's.
staff-counter-refusal-case-already-open = Case { $reference } is still open for this holder.
staff-counter-refusal-checklist-incomplete = Still to be recorded: { $missing }.
staff-counter-refusal-wrong-state = The case is "{ $state }": this cannot be done now.
staff-counter-refusal-case-expired = The case expired on { $on }.
staff-counter-refusal-same-day = A proxy is never served the same day: the second visit can be from { $earliest }.
staff-counter-refusal-wrong-check-code = The check code is not the one on the letter. { $left ->
        [one] One try left.
       *[other] { $left } tries left.
    }
staff-counter-refusal-check-code-refused = The check code was wrong 5 times: the case is closed.
staff-counter-refusal-pin-not-in-case = The { $pin } is not one of this case's PINs.
staff-counter-refusal-pin-already-done = The { $pin } is already done in this case.
staff-counter-refusal-reset-on-terminal-only = A locked or forgotten PIN is reset on the national terminal, not with reissue card.
staff-counter-refusal-case-token-unknown = This case token is not known.
staff-counter-refusal-case-token-used = This case token was used already; issue a new one.
staff-counter-refusal-case-token-expired = This case token expired; issue a new one.
staff-counter-refusal-case-token-other-pin = This case token is for the { $pin }.
staff-counter-refusal-case-not-ready = The case is not ready for the PIN step: { $why }
staff-counter-refusal-report-late = The outcome came too late from reissue card; record it here.
staff-counter-error-letter-layout = The letter cannot be printed: the registered address is too long for the envelope's window. Correct the address record first.
staff-counter-refusal-not-a-workstation = Case tokens work only from the counter's workstations.
staff-counter-refusal-needs-representative = The holder is { $age }: for a holder under 15 the legal representative applies.
counter-state-open = Open
counter-state-inquiry-ready = Inquiry letter to print
counter-state-awaiting-reply = Waiting for the second visit
counter-state-second-visit = Second visit
counter-state-completed = Completed
counter-state-undeliverable = Closed: letter undeliverable
counter-state-check-code-refused = Closed: check code wrong too often
counter-state-expired = Closed: expired
counter-state-cancelled = Closed by staff
counter-document-drivers-licence = Driver's licence
counter-document-passport = Passport
counter-document-my-number-card = My Number card (the applicant's own)
counter-document-residence-card = Residence card
counter-document-disability-certificate = Physical disability certificate (with photo)
counter-document-other-photo-id = Other photo ID issued by a public office
counter-document-health-insurance-card = Health insurance card (no photo)
counter-document-pension-book = Pension book (no photo)
counter-document-other-id = Other ID without a photo
counter-exemption-domicile-here = The holder's permanent domicile is in this municipality
counter-exemption-resident-record-shows-parent = The resident record shows the representative as parent
