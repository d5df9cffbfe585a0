# 日本語のカタログ。お客さまが日本語で読み、聞くすべての文言（画面、メール、自動音声）。
# キーは en.ftl と同じです（テストで確かめます）。テーマの locales/ja.ftl で個々の項目を置き換えられます。

## すべての画面

language-self = 日本語
site-skip-to-content = 本文へ移動
site-language = 言語
site-help-heading = お問い合わせ
site-help-desk = ご不明な点がある場合や、この画面でお手続きができない場合は、ヘルプデスクまでお電話ください。
site-back-to-start = はじめのページへ戻る
form-error-summary = 入力内容をご確認ください
form-required = 必須
form-show-password = 表示
form-hide-password = 隠す

## お知らせだけの画面

message-forged-title = このフォームは有効期限が切れています
message-forged-body = セキュリティのため、このフォームは受け付けられませんでした。何も変更されていません。このサイトのページをもう一度開いてから、送信し直してください。
message-too-large-title = 送信された内容が大きすぎます
message-too-large-body = このフォームで受け付けられる大きさを超えています。何も変更されていません。
message-busy-title = アクセスが集中しています
message-busy-body = お使いのネットワークからのリクエストが多すぎます。何も変更されていません。{ $seconds }秒ほどたってから、もう一度お試しください。
message-unavailable-title = ただいまご利用いただけません
message-unavailable-body = ただいまお手続きを受け付けられません。何も変更されていません。しばらくたってから、もう一度お試しください。
message-not-found-title = ページが見つかりません
message-not-found-body = お探しのページはありません。アドレスをご確認いただくか、はじめのページからお進みください。
message-method-title = このページではお受けできません
message-method-body = このページが受け付けない方法で送信されました。何も変更されていません。はじめのページからもう一度お進みください。

## はじめのページ

start-title = パスワード・暗証番号の再設定
start-lead = リセットコードは、パスワード・暗証番号を再設定する専用ページに進むためのコードです。ログインパスワードの代わりにはならず、再設定が完了すると無効になります。リセットコードは、自動音声（電話）または日本郵便の簡易書留で発行します。
start-conditions = このお手続きには、次のすべてを満たしている必要があります。
start-voice-heading = 自動音声（電話）でリセットコードを受け取る
start-voice-intro = インターネットでお申し込みいただけます。ご登録の電話番号にお電話し、キャッシュカードの暗証番号を入力いただくと、自動音声でリセットコードをお知らせします。
start-voice-condition-card = キャッシュカードがお手元にある。
start-voice-condition-pin = キャッシュカードの暗証番号（4桁）がわかる。
start-voice-condition-email = ご登録のメールアドレスを変更しておらず、当行からのメールを受信できる。
start-voice-condition-phone = ご登録の電話番号を変更しておらず、当行からの電話を受けられる。
start-voice-validity = リセットコードの有効期限は発行から{ $hours }時間です。{ $max }回続けて間違えるとリセットコードは無効になります。
start-voice-apply = リセットコードを申し込む
start-voice-have-code = 自動音声でリセットコードを受け取った方
start-postal-heading = 簡易書留でリセットコードを受け取る
start-postal-intro = 自動音声でのお申し込みができない場合は、ヘルプデスクが、ご登録の住所へ日本郵便の簡易書留でリセットコードをお送りします。
start-postal-condition-name = ご登録のお名前を変更していない。
start-postal-condition-address = ご登録の住所で簡易書留を受け取れる。
start-postal-how = お申し込みはヘルプデスク（{ $number }）へお電話ください。お申し込みから1週間ほどで届きます。リセットコードの有効期限は発行日から{ $weeks }週間です。
start-postal-have-code = 郵便でリセットコードを受け取った方
start-postal-letter-help = 郵便でお届けする書面の説明（English translation）
start-other-heading = そのほかのお手続き
start-initialization-link = ログインパスワードの初期化
start-initialization-when = ログインIDはわかるが、ログインパスワードを忘れた場合。ご登録のメールアドレスに仮パスワードをお送りします。
start-reminder-link = ログインIDのお知らせ
start-reminder-when = ログインIDを忘れた場合。
start-website-note = ご利用状況によっては、ウェブサイトからお手続きいただけない場合があります。その場合はヘルプデスクへお問い合わせください。

## 自動音声のリセットコードのお申し込み（P1）

voice-app-title = リセットコードのお申し込み
voice-steps-label = 自動音声による再設定の手順
voice-step-apply = お申し込み
voice-step-call = お電話の受信
voice-step-set = 再設定
voice-app-lead = ログインIDと生年月日を入力してください。お申し込み後、ご登録の電話番号にお電話します。
voice-app-before-heading = お申し込みの前にご確認ください
field-login-id = ログインID
field-login-id-hint = 9桁の数字です。
field-birth-date = 生年月日
field-birth-date-hint = 西暦で入力してください（例：1980年4月1日）。
field-year = 年
field-month = 月
field-day = 日
voice-app-what-next = お申し込み後、ご登録の電話番号にお電話します。ガイダンスに従ってキャッシュカードの暗証番号4桁を入力し、最後に「#（シャープ）」を押してください。自動音声で10桁のリセットコード（有効期限{ $hours }時間）をお知らせし、リセットページのURLをメールでお送りします。
voice-app-submit = 申し込む
voice-sent-title = お申し込みを受け付けました
voice-sent-body = ご入力の内容が登録内容と一致した場合、まもなくご登録の電話番号にお電話します。
voice-sent-call = お電話に出たら、ガイダンスに従ってキャッシュカードの暗証番号4桁を入力し、最後に「#（シャープ）」を押してください。自動音声で10桁のリセットコードをお知らせします。
voice-sent-mail = あわせて「パスワード・暗証番号の再設定（自動音声）」ページのURLを、ご登録のメールアドレスにお送りします。
voice-sent-validity = リセットコードの有効期限は発行から{ $hours }時間です。
voice-sent-no-call = お電話がない場合は、入力内容をご確認のうえもう一度お申し込みいただくか、ヘルプデスクへお問い合わせください。
voice-sent-go-reset = リセットコードを入力するページへ

## 入力の誤り

error-login-id = ログインIDを9桁の数字で入力してください。
error-birth-date = 生年月日を正しい日付で入力してください（年は西暦4桁、月・日は数字）。
error-name = お名前を、姓と名の間にスペースを入れて入力してください。
error-phone-country = 国・地域を「JP」や「+81」のように入力してください。
error-phone-number = 国・地域に合った電話番号を数字で入力してください。
error-email = メールアドレスを「taro@example.jp」のように入力してください。
error-invalid-code = ログインIDまたはリセットコードが正しくないか、リセットコードの有効期限が切れています。どちらもご確認のうえ、もう一度入力してください。{ $max }回間違えるとリセットコードは無効になり、あらためてお申し込みが必要です。
error-session-ended = 再設定の受付時間が終了しました。何も変更されていません。ログインIDとリセットコードをもう一度入力してください。
error-confirm-mismatch = 2つの入力内容が一致しません。同じ内容を入力してください。
error-nothing-to-change = 新しいパスワード・暗証番号を1つ以上入力してください。変更しないものは空欄のままにしてください。

## 再設定（P3）

reset-title-voice = パスワード・暗証番号の再設定（自動音声）
reset-title-postal = パスワード・暗証番号の再設定（郵送）
reset-steps-label = 再設定の手順
reset-step-code = リセットコードの入力
reset-step-set = 新しいパスワードの設定
reset-step-done = 完了
reset-code-lead-voice = ログインIDと、自動音声でお知らせした10桁のリセットコードを入力してください。
reset-code-lead-postal = ログインIDと、簡易書留でお届けした書面に記載の10桁のリセットコードを入力してください。
reset-rule-valid-voice = リセットコードの有効期限は発行から{ $hours }時間です。有効期限が切れた場合は、あらためてお申し込みください。
reset-rule-valid-postal = 郵送のリセットコードの有効期限は発行日から{ $weeks }週間で、書面にも記載しています。有効期限が切れた場合は、ヘルプデスクへお申し込みください。
reset-rule-postal-only = このページは、郵送でリセットコードを受け取った方だけがご利用いただけます。
reset-rule-tries = リセットコードを{ $max }回間違えると無効になり、あらためてお申し込みが必要です。
reset-rule-once = リセットコードは1回だけ使え、パスワード・暗証番号の再設定が完了すると無効になります。
field-reset-code = リセットコード
field-reset-code-hint = { $digits }桁の数字です。スペースやハイフンが入っていてもかまいません。
reset-code-submit = 次へ
reset-apply-again = リセットコードをあらためて申し込む
reset-set-lead = 変更するパスワード・暗証番号の欄に、新しい内容を入力してください。変更しないものは空欄のままにしてください。
reset-session-until = { $until }までに設定を完了してください。それを過ぎると、リセットコードの入力からやり直しになります。
field-new = 新しい{ $label }
field-new-confirm = 新しい{ $label }（確認のためもう一度）
reset-rule-pin = 数字{ $min }桁。同じ数字の繰り返し、連続した数字、生年月日は使えません。
reset-rule-password = { $min }～{ $max }文字。よく使われるパスワードやログインIDは避けてください。
reset-set-submit = 設定する
reset-done-title = パスワード・暗証番号を再設定しました
reset-done-body = お手続きが完了しました。新しいパスワード・暗証番号はすぐにご利用いただけます。
reset-done-changed = 変更した項目
reset-done-code-used = リセットコードは使用済みとなり、無効になりました。
reset-done-mail = 変更のお知らせを、ご登録のメールアドレスにお送りしました。

## パスワードの決まり

policy-too-short = { $min }文字以上にしてください。
policy-too-long = { $max }文字以内にしてください。
policy-not-digits = 数字だけで入力してください。
policy-control-characters = 制御文字は使えません。
policy-common = よく使われていて推測されやすい内容です。別の内容にしてください。
policy-contains-context = ログインIDやサービス名は使えません。
policy-repeated-digits = 同じ数字の繰り返しは使えません。
policy-sequential-digits = 「1234」のような連続した数字は使えません。
policy-birth-date = 生年月日は使えません。

## ログインパスワードの初期化（P5）とログインIDのお知らせ（P6）

init-title = ログインパスワードの初期化
init-lead = ログインパスワードをお忘れの場合は、口座にご登録のログインID、お名前、電話番号、メールアドレスを入力して「初期化する」を押してください。入力内容が確認できると、ご登録のメールアドレスに初期化したパスワード（仮パスワード）をお送りします。
init-login-id-hint = パスワードを忘れた口座のログインID（9桁）です。ログインIDもお忘れの場合は、先に「ログインIDのお知らせ」をご利用ください。
field-name = お名前
field-name-hint = 姓と名の間に全角または半角のスペースを入れてください（例：「国 太郎」「KOKU Taro」）。
field-phone = 電話番号
field-phone-hint = 口座にご登録の電話番号です（法人・団体の場合はご担当者の電話番号）。
field-phone-country = 国・地域
field-phone-country-hint = 例：JP、+81
field-phone-number = 番号
field-email = メールアドレス
field-email-hint = 口座にご登録のメールアドレスです。ここで新しいメールアドレスを登録することはできません。
init-what-next = 入力内容が確認できると、ご登録のメールアドレスに仮パスワードをお送りします。有効期限は{ $hours }時間です。仮パスワードを使うまでは、これまでのパスワードもお使いいただけます。
init-submit = 初期化する
identity-precautions = ご注意
identity-precautions-lead = 入力する内容は、最初に開設した口座が個人か、法人・団体かによって異なります。
identity-individual = 個人のお客さま
identity-individual-name = 「お名前」欄には、姓と名の間にスペースを入れて入力してください。
identity-individual-phone = 「電話番号」欄には、ハイフン（-）を入れずに入力してください。
identity-individual-email = 「メールアドレス」欄には、口座にご登録のメールアドレスを入力してください。新しいメールアドレスは登録できません。
identity-organization = 法人・団体のお客さま
identity-organization-name = 「お名前」欄には、ご担当者の姓と名の間にスペースを入れて入力してください。
identity-organization-phone = 「電話番号」欄には、ご担当者の電話番号をハイフン（-）を入れずに入力してください。
identity-organization-email = 「メールアドレス」欄には、口座にご登録のご担当者のメールアドレスを入力してください。
init-forgot-login-id = ログインIDを忘れた方
init-sent-title = 受け付けました
init-sent-body = ご入力の内容が口座の登録内容と一致した場合、ご登録のメールアドレスに仮パスワードをお送りしました。
init-sent-validity = 仮パスワードの有効期限は{ $hours }時間です。仮パスワードでログインし、すぐに新しいパスワードに変更してください。
init-sent-no-mail = メールが届かない場合は、入力内容をご確認のうえもう一度お試しいただくか、ヘルプデスクへお問い合わせください。
reminder-title = ログインIDのお知らせ
reminder-lead = 口座にご登録のお名前、電話番号、メールアドレスを入力してください。入力内容が確認できると、ご登録のメールアドレスにログインIDをお送りします。
reminder-submit = ログインIDを送る
reminder-sent-title = 受け付けました
reminder-sent-body = ご入力の内容が口座の登録内容と一致した場合、ご登録のメールアドレスにログインIDをお送りしました。
reminder-sent-no-mail = メールが届かない場合は、入力内容をご確認のうえもう一度お試しいただくか、ヘルプデスクへお問い合わせください。
reminder-sent-next = ログインパスワードの初期化へ

## メール
## メールはプレーンテキストです。$institution は金融機関名、$salutation は mail-salutation の行、
## $help_number と $help_hours は日本語ヘルプデスクの番号と受付時間です。

mail-salutation = { $family } { $given } 様
# 有効期間の言い方。
mail-lifetime-hours = { $n }時間
mail-lifetime-minutes = { $n }分
# 自動音声でコードをお知らせした後：入力するページ。$valid は有効期間、$until は期限の日時。
mail-voice-reset-subject = 【{ $institution }】リセットコード入力ページのご案内
mail-voice-reset-body =
    { $salutation }

    自動音声でお知らせしたリセットコードを、次のページで入力してください。

    { $url }

    リセットコードの有効期限は発行から{ $valid }（{ $until }まで）です。
    このメールにお心当たりがない場合は、ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
# 仮パスワード（$password）はコピーできるよう1行に単独で置きます。
mail-temporary-password-subject = 【{ $institution }】仮パスワードのお知らせ
mail-temporary-password-body =
    { $salutation }

    ログインパスワードの初期化を受け付けました。仮パスワードは次のとおりです。

    { $password }

    この仮パスワードでログインし、すぐに新しいパスワードに変更してください。有効期限は{ $valid }（{ $until }まで）です。
    仮パスワードを使うまでは、これまでのパスワードも使えます。
    お心当たりがない場合は、このメールを破棄し、ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
# $login_ids は一致したログインID（1行に1つ）、$count はその数。
mail-login-id-subject = 【{ $institution }】ログインIDのお知らせ
mail-login-id-body =
    { $salutation }

    お客さまのログインIDは次のとおりです。

    { $login_ids }

    お心当たりがない場合は、ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
# パスワード・暗証番号の変更後。$labels は mail-changed-item の行、$when は変更の日時。
mail-changed-subject = 【{ $institution }】パスワード・暗証番号変更のお知らせ
mail-changed-body =
    { $salutation }

    { $when } に、次のパスワード・暗証番号が変更されました。

    { $labels }

    お心当たりがない場合は、至急ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
mail-changed-item = ・{ $label }
# 郵送リセットコードの申込み後。$applied は申込日、$until は有効期限の日付です。コードは書きません。
mail-postal-sent-subject = 【{ $institution }】リセットコードを郵送します
mail-postal-sent-body =
    { $salutation }

    { $applied }、お電話でのお申し出により、リセットコードを記載した書面を登録のご住所あてに簡易書留（転送不要）でお送りする手続きをいたしました。

    書面はおよそ1週間でお届けします。ご本人またはご家族等が、登録のご住所で受け取ってください。転居先には転送されません。
    リセットコードは{ $until }まで有効です。書面に記載の手順で、リセットページに入力してください。
    不在のときは、ご不在連絡票の案内に従い、保管期間（7日間）内に再配達をご依頼いただくか、郵便局でお受け取りください。

    このお手続きにお心当たりがない場合は、至急ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
# 書面が返送されたとき。$why は mail-postal-returned-reason-* の文です。コードは書きません。
mail-postal-returned-subject = 【{ $institution }】リセットコードの書面が返送されました
mail-postal-returned-body =
    { $salutation }

    お送りしたリセットコードの書面が、{ $why }当社に返送されました。
    この書面のリセットコードは無効にしましたので、使用できません。

    あらためてお手続きされる場合は、ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
mail-postal-returned-reason-storage_expired = 郵便局での保管期間が過ぎたため、
mail-postal-returned-reason-addressee_unknown = あて所に尋ねあたらないため、
mail-postal-returned-reason-moved = 転居先が不明のため、
mail-postal-returned-reason-refused = 受け取りを拒否されたため、
mail-postal-returned-reason-other = 配達できなかったため、
# ヘルプデスクがお客さまのお申し出でリセットコードを無効にしたとき。$when は日時です。
mail-code-voided-subject = 【{ $institution }】リセットコードを無効にしました
mail-code-voided-body =
    { $salutation }

    { $when }、お申し出により、お手元のリセットコードを無効にしました。このリセットコードは使用できません。

    お心当たりがない場合は、至急ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
# ヘルプデスクがロックを解除したとき。$label はパスワード・暗証番号の名前です。
mail-unlocked-subject = 【{ $institution }】{ $label }のロックを解除しました
mail-unlocked-body =
    { $salutation }

    { $when }、ヘルプデスクにて{ $label }のロックを解除しました。

    お心当たりがない場合は、至急ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }

## 自動音声
## 読み上げる文です。$help_number は日本語ヘルプデスクの番号の読み上げ（1桁ずつ）、$help_hours は受付時間です。

call-greeting = { $institution }です。リセットコードのお申し込みを受け付けました。
call-ask-pin = キャッシュカードの暗証番号4桁を入力し、最後にシャープを押してください。
call-no-input = 入力が確認できませんでした。
call-wrong-pin = 暗証番号が正しくありません。あと{ $tries }回入力できます。
call-out-of-tries = 暗証番号が正しくありません。お手数ですが、ヘルプデスクにお問い合わせください。電話番号は { $help_number } です。
call-locked = 暗証番号がロックされているため、お手続きできません。ヘルプデスクにお問い合わせください。電話番号は { $help_number } です。
# 電話番号の数字のまとまりの区切り（読み上げの間）。
call-digit-group-separator = { "、" }
# コードの数字の前と後に読み上げます。
call-code-before = リセットコードをお知らせします。
call-code-after = リセットページのURLをメールでお送りしました。
call-offer-repeat = もう一度お聞きになる場合は1を押してください。
call-goodbye = お電話ありがとうございました。
call-unavailable = このお電話ではお手続きできません。

## 郵便の手紙の説明と英語訳（/help/postal-letter）
## $weeks は郵便のリセットコードの有効期間（週）、$digits は桁数、$max は無効になるまでの誤り回数、$number はヘルプデスクの番号です。

help-postal-letter-title = 郵便でお届けするリセットコードの書面
help-postal-letter-lead = 郵便でリセットコードをお申し込みいただくと、日本郵便の簡易書留で書面をお送りします。このページでは、書面の届き方と、書かれている内容をご説明します。英語のページには、書面の英語訳があります。
help-postal-letter-arrival-heading = 書面の届き方
help-postal-letter-arrival-week = お申し込みから1週間ほどで届きます。
help-postal-letter-arrival-registered = 日本郵便の簡易書留でお送りします。配達員が受領印または署名と引き換えにお渡しするため、お受け取りにはご在宅が必要です。
help-postal-letter-arrival-address = ご登録の住所でのみお受け取りいただけます。「転送不要」のため、転居されている場合は、日本郵便に転居届を出されていても新しい住所へは転送されず、当方に返送されます。
help-postal-letter-absent-heading = ご不在の場合
help-postal-letter-absent-notice = 日本郵便がご不在連絡票を郵便受けに入れます。7日以内に再配達をお申し込みいただくか、ご不在連絡票に記載の郵便局でお受け取りください。再配達のお申し込み方法は、日本郵便のウェブサイトをご覧ください。
help-postal-letter-absent-returned = 期間内にお受け取りがない場合、書面は当方に返送され、記載のリセットコードは使えなくなります。ヘルプデスク（{ $number }）へあらためてお申し込みください。
help-postal-letter-parts-heading = 書面に書かれていること
help-postal-letter-parts-lead = 書面の各部分に書かれていることです。
help-postal-letter-marks-heading = 宛名の横
help-postal-letter-mark-confidential = 宛名のご本人が開封してください。
help-postal-letter-mark-no-forwarding = 新しい住所へは転送されず、当方に返送されます。
help-postal-letter-mark-registered = 郵便の種類です。受領印または署名と引き換えにお渡しします（封筒に印刷されている場合もあります）。
help-postal-letter-top-heading = 右上
help-postal-letter-issued = リセットコードを発行した日です。リセットコードはこの日から{ $weeks }週間有効です。
help-postal-letter-reference = 書面の管理番号です。書面についてお問い合わせの際にお伝えください。
help-postal-letter-sender = その下は、当方の名称と、ヘルプデスク（{ $number }）の電話番号と受付時間です。
help-postal-letter-body-heading = 本文
help-postal-letter-printed-date = 書面に記載の日付
help-postal-letter-items-heading = 記
help-postal-letter-item-code = 枠内の{ $digits }桁の数字です。4桁ずつ区切って印刷しています。入力の際、空白はあってもなくてもかまいません。
help-postal-letter-item-expiry = この日の終わり（日本時間）までお使いいただけます。
help-postal-letter-item-page = リセットコードを入力するページのアドレスです。
help-postal-letter-closing = 記の終わりを示します。
help-postal-letter-notes-heading = 注意事項
help-postal-letter-use-heading = リセットコードの入力
help-postal-letter-use-where = 「パスワード・暗証番号の再設定（郵送）」のページで、ログインIDと{ $digits }桁のリセットコードを入力し、新しいパスワード・暗証番号を設定してください。
help-postal-letter-use-valid = リセットコードの有効期限は発行日から{ $weeks }週間で、書面に記載の日付までです。1回だけお使いいただけます。{ $max }回続けて間違えると、リセットコードは無効になります。
help-postal-letter-use-expired = 有効期限を過ぎた場合は、ヘルプデスクへあらためてお申し込みください。
help-postal-letter-use-link = リセットコードを入力する

## 郵便の手紙（P4：簡易書留のリセットコード）
## 手紙はいつも日本語で印刷します（英語の訳は /help/postal-letter のページ）。en.ftl の同じキーは、その英語の対応文です。
## $institution は金融機関名、$help_number と $help_hours は日本語ヘルプデスクの番号と受付時間、$until は有効期限の日付、
## $digits はリセットコードの桁数、$reset_url は入力するページ、$help_url は英語訳のページ、$postal_code は郵便番号、$date は発行日です。

letter-postal-postal-code = 〒{ $postal_code }
# 個人はお名前に「様」。法人は法人名を1行、その下にご担当者のお名前と「様」（「御中」と「様」は併用しません）。
letter-postal-name = { $family } { $given } 様
letter-postal-mark-confidential = 親展
letter-postal-mark-no-forwarding = 転送不要
letter-postal-mark-registered = 簡易書留
letter-postal-reference-label = 管理番号
letter-postal-reference = { letter-postal-reference-label }：{ $reference }
letter-postal-issued-label = 発行日
letter-postal-issued-on = { letter-postal-issued-label }：{ $date }
letter-postal-sender = { $institution }
letter-postal-sender-desk = ヘルプデスク { $help_number }
letter-postal-sender-hours = 受付時間 { $help_hours }
letter-postal-subject = リセットコードのお知らせ
letter-postal-opening = 平素より{ $institution }をご利用いただき、誠にありがとうございます。
letter-postal-body-purpose = お申し込みいただいた、パスワード・暗証番号を再設定するためのリセットコードをお知らせします。
letter-postal-body-how = 下記の「入力するページ」で、ログインIDとこのリセットコードを入力し、新しいパスワード・暗証番号を設定してください。リセットコードの有効期限は{ $until }までです。
letter-postal-items-heading = 記
letter-postal-item-code = リセットコード（{ $digits }桁）
letter-postal-item-expiry = 有効期限
letter-postal-item-expiry-value = { $until }まで
letter-postal-item-page = 入力するページ
letter-postal-note-once = ※リセットコードは1回だけお使いいただけます。再設定が完了すると無効になります。
letter-postal-note-expired = ※有効期限を過ぎたリセットコードはお使いいただけません。その場合は、あらためてヘルプデスクへお申し込みください。
letter-postal-note-secret = ※リセットコードは他人に知らせないでください。当方からお電話やメールでリセットコードをお尋ねすることはありません。
letter-postal-note-not-you = ※お申し込みにお心当たりがない場合は、ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。
letter-postal-note-english = ※この書面の英語訳（English translation）：{ $help_url }
letter-postal-qr-caption = 入力するページ
letter-postal-closing = 以上

## Demo

demo-phone-title = デモ用の電話
demo-phone-lead = デモのお客さまの電話です。reissue がお客さまに電話をかけると、ここに着信します。応答して自動音声の内容を読み、電話機と同じようにキーパッドで入力してください。
demo-phone-no-calls = まだ着信はありません。はじめのページからリセットコードを申し込むと、まもなくここに着信します。
demo-phone-call-to = { $number } への電話
demo-phone-from = 発信元 { $number }、{ $time }
demo-phone-status = { $status ->
    [queued] 発信中
    [initiated] 発信中
    [ringing] 着信中
    [in-progress] 通話中
    [completed] 通話終了
    [busy] 話し中
    [no-answer] 応答なし
    [failed] 接続できませんでした
   *[other] { $status }
}
demo-phone-answer = 応答する
demo-phone-hang-up = 電話を切る
demo-phone-transcript = 自動音声の内容
demo-phone-digits = 読み上げられた数字：{ $digits }
demo-phone-keypad = キーパッド
demo-phone-key-star = アスタリスク（*）
demo-phone-key-hash = シャープ（#）
demo-phone-pressed = 入力中のキー：{ $keys }
demo-phone-keys-field = まとめて押すキー
demo-phone-keys-hint = 例：7351#（0～9、* と # のキー）
demo-phone-send-keys = このキーを押す
demo-phone-problem = 操作できませんでした
demo-phone-not-ringing = この電話はもう着信中ではありません。
demo-phone-not-listening = 自動音声はいま、キーの入力を待っていません。
demo-phone-not-in-call = この電話は通話中ではありません。
demo-phone-bad-keys = 押せるのは 0～9、* と # のキーだけです。
demo-phone-link = デモ用の電話を開く
demo-mailbox-link = デモ用のメールボックスを開く
demo-mailbox-title = デモ用のメールボックス
demo-mailbox-lead = デモで reissue が送るメールは、このコンピューターの外へは送られず、すべてここに届きます。
demo-mailbox-empty = まだメールは届いていません。
demo-mailbox-to = 宛先
demo-mailbox-received = 受信日時
